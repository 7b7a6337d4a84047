"""The process-wide E-utilities rate limiter: 3 requests/s without an API key, 10 with one.

NCBI counts requests per API key (or per IP without one), so every
:class:`~litreview.sources.eutils.EutilsClient` and thread of the process shares
one :class:`RateLimiter` per key presence (:func:`shared_limiter`);
https://www.ncbi.nlm.nih.gov/books/NBK25497/.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["RateLimiter", "shared_limiter"]

_RATE_WITHOUT_KEY = 3.0
_RATE_WITH_KEY = 10.0


class RateLimiter:
    """Space requests at least ``1/rate`` seconds apart, across threads.

    A lock guards the time of the next free slot. A caller takes the slot only
    once it is awake and the slot has come (sleeping outside the lock, then
    checking again), so a thread that wakes late -- the GIL held by another
    thread parsing a large EFetch answer -- pushes the following requests back
    instead of letting them bunch up: grants are ``1/rate`` apart in real time.

    Parameters
    ----------
    rate : float
        Requests per second.
    clock, sleep : callable, optional
        Injected for tests (default ``time.monotonic`` and ``time.sleep``).
    """

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0

    def acquire(self) -> float:
        """Wait for the next slot; return the slot time (on this limiter's clock)."""
        while True:
            with self._lock:
                now = self._clock()
                if now >= self._next:
                    self._next = now + self.interval
                    return now
                wait = self._next - now
            self._sleep(wait)

    def defer(self, seconds: float) -> None:
        """Push the next free slot at least ``seconds`` into the future (after a 429)."""
        with self._lock:
            self._next = max(self._next, self._clock() + seconds)


_LIMITERS: dict[bool, RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def shared_limiter(has_api_key: bool) -> RateLimiter:
    """The process-wide limiter: 10 requests/s with an API key, 3 without.

    NCBI's limits are per key or per IP, so every client of the process shares one.
    A 5% margin keeps network jitter from pushing four requests into one second.
    """
    with _LIMITERS_LOCK:
        if has_api_key not in _LIMITERS:
            rate = _RATE_WITH_KEY if has_api_key else _RATE_WITHOUT_KEY
            _LIMITERS[has_api_key] = RateLimiter(rate / 1.05)
        return _LIMITERS[has_api_key]
