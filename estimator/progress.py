"""Word of the model's slow work, for whoever listens: the library never prints.

A cold ``load.packing=layout`` run over wide crate ranges, or a ranged deck on pallets,
solves thousands of packing searches (milliseconds each, minutes in all) before it has
anything to show. :func:`searched` is called by ``fastspace._profile`` each time it
solves a search that was not in its caches; a caller that wants to know wraps its work
in :func:`reporting`. Nobody listening costs one ``ContextVar.get`` per solve.

:class:`StatusLine` turns those calls into one line on a terminal, updated in place;
the command line decides whether to show it (estimator/cli.py). It takes its stream and
clock as arguments, so that it is tested with ``io.StringIO`` and a fake clock.
Standard library only: importing this module costs no start-up time.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator, TextIO

# A ContextVar rather than a module global: two callers in one process (threads, tests)
# each hear only their own work.
_LISTENER: ContextVar[Callable[[], None] | None] = ContextVar("estimator_search_listener", default=None)
_EXPECTING: ContextVar[Callable[[int], None] | None] = ContextVar("estimator_search_expectation", default=None)


@contextmanager
def reporting(callback: Callable[[], None], expecting: Callable[[int], None] | None = None) -> Iterator[None]:
    """Call ``callback()`` once for every new packing search solved inside the block, and
    ``expecting(n)`` when a batch of ``n`` new searches is about to be solved."""
    tokens = _LISTENER.set(callback), _EXPECTING.set(expecting)
    try:
        yield
    finally:
        _EXPECTING.reset(tokens[1])
        _LISTENER.reset(tokens[0])


def searched() -> None:
    """Tell the listener, if any, that one new packing search was solved (not read from a cache)."""
    listener = _LISTENER.get()
    if listener is not None:
        listener()


def expecting(searches: int) -> None:
    """Tell the listener, if any, that ``searches`` new packing searches (one batch, each
    to be followed by :func:`searched`) are about to be solved."""
    listener = _EXPECTING.get()
    if listener is not None and searches:
        listener(searches)


class StatusLine:
    """One status line counting solved searches, rewritten in place on a terminal.

    Parameters
    ----------
    stream : text stream
        Where the line goes (standard error, a terminal).
    clock : callable, optional
        Seconds, monotone (:func:`time.monotonic`). [s]
    delay_s : float, optional
        The line appears only once this long has passed since the first search, so
        that a run that is quick anyway shows nothing. [s]
    interval_s : float, optional
        Shortest time between two rewrites of the line (at most 5 a second by default). [s]
    width : int, optional
        Longest line written: one less than the terminal's width, so that it never wraps
        (a wrapped line can no longer be rewritten with a carriage return). [characters]
    note : str, optional
        Appended to the line, such as where the solved searches are kept.

    Examples
    --------
    >>> import io
    >>> clock = iter([0.0, 0.5, 1.2]).__next__
    >>> stream = io.StringIO()
    >>> status = StatusLine(stream, clock)
    >>> for _ in range(3):
    ...     status.searched()
    >>> stream.getvalue()
    '\\rsolving packing searches: 3 so far, 1 s'
    >>> status.close()
    >>> stream.getvalue().endswith('\\r' + ' ' * 39 + '\\r')
    True
    """

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic, delay_s: float = 1.0,
                 interval_s: float = 0.2, width: int = 79, note: str = ""):
        self.stream, self.clock = stream, clock
        self.delay_s, self.interval_s, self.width, self.note = delay_s, interval_s, width, note
        self.count = 0
        self.total = 0  # searches announced (expect); 0 or fewer than counted: none known
        self._started: float | None = None
        self._written_at: float | None = None
        self._shown = 0  # characters of the line now on the terminal

    def searched(self) -> None:
        """Count one search; rewrite the line if the delay and the interval have passed."""
        self.count += 1
        now = self.clock()
        if self._started is None:
            self._started = now
        if now - self._started < self.delay_s:
            return
        if self._written_at is not None and now - self._written_at < self.interval_s:
            return
        self._written_at = now
        self._write(self.text(now - self._started))

    def expect(self, searches: int) -> None:
        """Count ``searches`` more announced searches (:func:`expecting`)."""
        self.total += searches

    def text(self, elapsed_s: float) -> str:
        """The line after ``elapsed_s`` seconds of searching, cut to :attr:`width`: the
        searches solved of those announced, and the time left at the pace so far, or
        without announced searches the count so far."""
        if 0 < self.total and self.count <= self.total:
            left = elapsed_s * (self.total - self.count) / max(self.count, 1)
            progress = f"{self.count:,} of {self.total:,}, {_duration(elapsed_s)}, about {_duration(left)} left"
        else:
            progress = f"{self.count:,} so far, {_duration(elapsed_s)}"
        return f"solving packing searches: {progress}{self.note}"[: self.width]

    def _write(self, line: str) -> None:
        # Pad over the end of a longer line before it, then leave the cursor after the text.
        self.stream.write("\r" + line + " " * (self._shown - len(line)))
        self.stream.flush()
        self._shown = max(len(line), self._shown)

    def close(self) -> None:
        """Erase the line, if one was shown, so that what follows starts a clean line."""
        if self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0


def _duration(seconds: float) -> str:
    """Whole seconds, with minutes from a minute on: ``12 s``, ``5 min 03 s``."""
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
