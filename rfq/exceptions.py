"""The one exception RFQ and quote services raise when they refuse something."""
from __future__ import annotations


class RFQError(Exception):
    """A refused action. ``message`` is translated and safe to show to the user as is;
    ``code`` is a stable machine-readable reason for the API (``"deadline_passed"``, …)."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.code = code or "rfq_error"

    def __str__(self):
        return self.message
