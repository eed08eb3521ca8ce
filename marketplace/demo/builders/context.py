"""What the demo builder steps share: the run's options, its random streams and what was built."""
from __future__ import annotations

import random
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, TypeVar

from django.db import models, transaction
from tqdm import tqdm

T = TypeVar("T")

BATCH_SIZE = 2000


def stream(seed: int, name: str) -> random.Random:
    """The random stream ``name`` of a run seeded with ``seed``."""
    # A str seed is hashed with SHA-512 by random.seed(version=2): stable across machines.
    return random.Random(f"production-en-france/{seed}/{name}")


@dataclass
class DemoAccountInfo:
    """A demo login, as printed at the end of the run."""

    email: str
    role: str
    password: str
    totp_secret: str = ""
    recovery_codes: list[str] = field(default_factory=list)


@dataclass
class DemoContext:
    """One run of ``load_demo``, handed to each builder step in turn.

    Randomness: every builder draws from ``ctx.stream(name)``, a ``random.Random`` seeded from the
    run's seed and a name of its own. Streams are independent, so the 300 first suppliers are the
    same whether the run asks for 300 or 100,000 suppliers, and a builder added later does not
    reshuffle the data of the builders before it. That is what makes a top-up run add rows instead
    of producing a different, duplicate world.
    """

    seed: int
    suppliers: int
    buyers: int
    clusters: int
    progress: bool = False
    write: Callable[[str], None] = lambda line: None
    # Filled by the steps: organisation primary keys per kind ("supplier", "buyer", "cluster")
    # in generation order, so index 0 is always the same organisation for a given seed.
    organisations: dict[str, list[int]] = field(default_factory=dict)
    accounts: list[DemoAccountInfo] = field(default_factory=list)

    def stream(self, name: str) -> random.Random:
        return stream(self.seed, name)

    def progress_bar(self, total: int, label: str) -> tqdm:
        return tqdm(total=total, desc=label, unit=" lignes", disable=not self.progress, leave=False)


def bulk_create_in_batches(
    model: type[models.Model], objects: Sequence[models.Model], ctx: DemoContext, label: str
) -> None:
    """Insert ``objects`` with one ``bulk_create`` and one transaction per batch."""
    with ctx.progress_bar(len(objects), label) as bar:
        for start in range(0, len(objects), BATCH_SIZE):
            batch = objects[start : start + BATCH_SIZE]
            with transaction.atomic():
                model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            bar.update(len(batch))


class WeightedChoice:
    """Draws among ``options`` in proportion to integer weights.

    Integer weights and ``randrange`` keep the draw exact, so it is the same on every platform
    (``random.choices`` multiplies floats).
    """

    def __init__(self, options: Iterable[tuple[T, int]]):
        pairs = [(value, weight) for value, weight in options if weight > 0]
        if not pairs:
            raise ValueError("WeightedChoice needs at least one option with a positive weight.")
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(accumulate(weight for _value, weight in pairs))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect_right(self.cumulative, rng.randrange(self.total))]


def progress_is_visible() -> bool:
    """tqdm writes to stderr: show a bar only to a person watching a terminal."""
    return sys.stderr.isatty()
