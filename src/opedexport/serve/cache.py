"""A bounded, content-addressed cache of finished answers, with single-flight.

A CMS posts the same article again and again (every save, the preview, then the
download); the editor's page inspects a file and then downloads it. Each answer
depends on the upload's bytes, its (cleaned) file name, every option that changes
the output, the theme's identity, the package version and ``SOURCE_DATE_EPOCH``
(and, without it, on the build time, which a kept answer keeps from its first
conversion): :func:`cache_key` hashes all of them, and the answer for a key is kept
(:class:`ResultCache`) so the next identical request costs no export.

- **Bounded by bytes**, least recently used first out: an entry counts its body,
  its headers, its key and a fixed overhead (:data:`ENTRY_OVERHEAD`); an answer
  larger than the whole bound is never kept.
- **Single-flight**: identical requests that arrive while the first is being
  worked on wait for that one job instead of starting their own.
- **Only successes are kept**: a 400 for a bad upload costs a read and no export
  (cheap to redo), and a 5xx (full queue, time limit, crashed worker) is about
  that moment, not about the upload, so keeping it would serve a stale failure.
  Requests that share a flight do share its failure.
- ``max_bytes == 0`` turns both off (every request is worked on by itself), for
  operators who do not want clients to learn from the answer time whether the
  same bytes were converted recently.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["ENTRY_OVERHEAD", "Result", "ResultCache", "cache_key"]

#: Bytes counted for each entry on top of its body, headers and key (the objects that hold them).
ENTRY_OVERHEAD = 512
#: Changes whenever what a key covers changes, so keys of different meanings never meet.
_KEY_VERSION = "opedexport-serve-cache/1"


@dataclass(frozen=True, slots=True)
class Result:
    """One finished answer: status, body, media type and the headers that go with it."""

    status: int
    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def size(self) -> int:
        """The bytes this answer holds, as counted against the cache's bound."""
        return len(self.body) + len(self.media_type) + sum(len(k) + len(v) for k, v in self.headers)


def cache_key(parts: dict[str, Any]) -> str:
    """The hex SHA-256 of ``parts`` (JSON with sorted keys, so no two different inputs share an encoding)."""
    text = json.dumps({"v": _KEY_VERSION, **parts}, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


class ResultCache:
    """LRU answers bounded by ``max_bytes`` in total, and one flight per key in progress.

    Use from one event loop only (the server's).
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(0, int(max_bytes))
        self._entries: OrderedDict[str, Result] = OrderedDict()
        self._flights: dict[str, asyncio.Future[Result]] = {}
        self.bytes = 0
        """Bytes counted for the entries held now (never above :attr:`max_bytes`)."""
        self.hits = 0
        self.misses = 0
        self.shared = 0
        self.evictions = 0

    @property
    def enabled(self) -> bool:
        """Whether answers are kept and flights shared (``max_bytes > 0``)."""
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def stats(self) -> dict[str, int]:
        """Counters for ``/healthz``: entries, bytes, max_bytes, hits, misses, shared, evictions."""
        return {
            "entries": len(self._entries),
            "bytes": self.bytes,
            "max_bytes": self.max_bytes,
            "hits": self.hits,
            "misses": self.misses,
            "shared": self.shared,
            "evictions": self.evictions,
        }

    @staticmethod
    def _cost(key: str, result: Result) -> int:
        return result.size + len(key) + ENTRY_OVERHEAD

    def get(self, key: str) -> Result | None:
        """The answer kept for ``key`` (now the most recently used), or ``None``."""
        result = self._entries.get(key)
        if result is not None:
            self._entries.move_to_end(key)
        return result

    def put(self, key: str, result: Result) -> bool:
        """Keep ``result`` for ``key``, dropping the least recently used entries to make room.

        Returns whether it was kept (not when the cache is off or the answer alone is over the bound).
        """
        cost = self._cost(key, result)
        if not self.enabled or cost > self.max_bytes:
            return False
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= self._cost(key, old)
        while self._entries and self.bytes + cost > self.max_bytes:
            dropped_key, dropped = self._entries.popitem(last=False)
            self.bytes -= self._cost(dropped_key, dropped)
            self.evictions += 1
        self._entries[key] = result
        self.bytes += cost
        return True

    async def fetch(
        self, key: str, make: Callable[[], Awaitable[Result]], release: Callable[[], None] | None = None
    ) -> tuple[Result, str | None]:
        """The answer for ``key`` and how it was had: ``hit``, ``miss`` (this call did the work) or ``shared``.

        ``make()`` is called at most once per flight, and only by the call that does the work; its
        awaitable runs as a task of its own, so a caller that goes away does not cancel the work that
        others wait for. A 200 answer is kept; anything else, or an exception, reaches every caller of
        the flight and is not kept. With the cache off, ``make()`` is awaited directly and how is ``None``.

        :param release: called at once by a call that will not do the work (a hit, or one that joins a
            flight), so that what it holds for the work (its upload) is let go before it waits.
        """
        if not self.enabled:
            return await make(), None
        result = self.get(key)
        if result is not None:
            self.hits += 1
            if release is not None:
                release()
            return result, "hit"
        flight = self._flights.get(key)
        if flight is not None:
            self.shared += 1
            if release is not None:
                release()
            return await asyncio.shield(flight), "shared"
        self.misses += 1
        flight = asyncio.ensure_future(self._fly(key, make()))
        self._flights[key] = flight
        # a failure nobody is left to hear about must not be logged as "never retrieved"
        flight.add_done_callback(lambda f: f.cancelled() or f.exception())
        return await asyncio.shield(flight), "miss"

    async def _fly(self, key: str, work: Awaitable[Result]) -> Result:
        try:
            result = await work
            if result.status == 200:
                self.put(key, result)
            return result
        finally:
            self._flights.pop(key, None)
