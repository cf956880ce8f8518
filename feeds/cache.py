"""A small in-process cache of rendered feed documents (thread-safe LRU with a time limit).

Keys include a data version (the newest change-log id, the guides' stamp, the day), so a
change makes a new key rather than invalidating an old one. The time limit bounds what a
version cannot see: on PostgreSQL a transaction may commit a change-log id lower than one
already visible, so a key can stay current for up to ``ttl`` seconds after such a commit.
"""
import threading
import time
from collections import OrderedDict


class FeedCache:
    def __init__(self, size: int, ttl: float, clock=time.monotonic):
        self.size, self.ttl, self.clock = size, ttl, clock
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            hit = self._data.get(key)
            if hit is None:
                return None
            stored_at, value = hit
            if self.clock() - stored_at > self.ttl:
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = (self.clock(), value)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
