"""Per-document caps, checked by the pipeline so one huge file fails alone instead of filling the index."""

from __future__ import annotations

import time
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded

from ingest.errors import TooManyChunks, TooManyPages

# Exceptions that must stop a whole job rather than fail one file: the pipeline re-raises them from its
# per-file ``except Exception`` handlers (Celery's soft time limit derives from Exception).
INTERRUPTS: tuple[type[BaseException], ...] = (SoftTimeLimitExceeded,)


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """Caps for one document (None: unlimited).

    Attributes:
        max_pages: Most pages of a paged format (PDF), checked before any page's text is extracted.
        max_chunks: Most chunks one document may produce, checked before anything is embedded.
    """

    max_pages: int | None = None
    max_chunks: int | None = None

    def check_pages(self, filename: str, pages: int) -> None:
        """Raise :class:`TooManyPages` when ``pages`` exceeds the cap."""
        if self.max_pages is not None and pages > self.max_pages:
            raise TooManyPages(
                f"{filename} has {pages} pages; the limit is {self.max_pages} per document. "
                "Split it into smaller files.",
                filename=filename,
            )

    def check_chunks(self, filename: str, chunks: int) -> None:
        """Raise :class:`TooManyChunks` when ``chunks`` exceeds the cap."""
        if self.max_chunks is not None and chunks > self.max_chunks:
            raise TooManyChunks(
                f"{filename} holds too much text: {chunks} passages; the limit is {self.max_chunks} per "
                "document. Split it into smaller files.",
                filename=filename,
            )


UNLIMITED = DocumentLimits()


def check_deadline(deadline: float | None) -> None:
    """Raise Celery's soft-limit error once ``time.monotonic()`` is past ``deadline`` (None: no deadline).

    Celery delivers its soft limit as a signal, and an exception raised by a signal handler lands in
    whatever code runs at that instant: a library that catches ``Exception`` there (a logging handler,
    an HTTP client's retry) swallows it and the job runs on to the hard limit. The pipeline also checks
    this deadline at every progress event, so the limit holds either way.
    """
    if deadline is not None and time.monotonic() > deadline:
        raise SoftTimeLimitExceeded("the job's soft time limit has passed")
