"""Sanitising the rich text suppliers write (presentation FR/EN) before it is stored.

Templates render the stored HTML with ``|safe``, so everything that reaches the database goes
through :func:`clean_rich_text` first (the services call it; nothing else writes these fields).
Allowed: paragraphs, line breaks, bold, italics, lists, level 3-4 headings and links to
http(s) or mailto addresses. Scripts and styles disappear with their content; event handlers,
``style`` and every other attribute are dropped; links get ``rel="nofollow noopener"``.
"""
from __future__ import annotations

import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Something that looks like markup; text without it is treated as a plain textarea.
TAG_PATTERN = re.compile(r"<\s*/?\s*[a-zA-Z!]")
# Tags removed *with* their content, not just unwrapped: their text is code, not prose.
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}


def clean_rich_text(html: str | None) -> str:
    """The allowed subset of ``html``; plain text without any tag is wrapped in paragraphs."""
    html = (html or "").strip()
    if not html:
        return ""
    if not TAG_PATTERN.search(html):
        # A plain textarea: keep the author's paragraphs and line breaks.
        html = "".join(
            "<p>" + "<br>".join(_escape(line) for line in block.splitlines()) + "</p>"
            for block in _paragraphs(html)
        )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
        # Relative links would point into our own site with the supplier's words: refuse them.
        url_relative="deny",
    )
    return cleaned.strip()


def _paragraphs(text: str) -> list[str]:
    blocks, current = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def has_text(html: str | None) -> bool:
    """Whether sanitised HTML holds any visible text (an empty ``<p></p>`` does not count)."""
    return bool(nh3.clean(html or "", tags=set()).strip())
