"""The registry of notification kinds.

A notification stores its kind and the parameters, never rendered text, so the inbox shows it
in the reader's language. Each app registers its kinds at import time of its own
``notifications.py`` module (imported from its ``AppConfig.ready``)::

    register("rfq.published", title=_("Nouvelle consultation : %(title)s"), body=_("…"))

``title`` and ``body`` are lazy translations formatted with ``%`` and the stored parameters.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    name: str
    title: Promise | str
    body: Promise | str = ""


KINDS: dict[str, Kind] = {}


def register(name: str, *, title, body="") -> Kind:
    kind = Kind(name, title, body)
    KINDS[name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"Unknown notification kind {name!r}: register it in the app's notifications.py") from None
