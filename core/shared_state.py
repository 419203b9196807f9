"""What the desk's nodes share when several run behind a proxy: one Redis, named by
REDIS_URL (QIDESK_REDIS_URL=redis://10.0.0.5:6379/0). The rate limits count there and
the dashboards keep the figures they read there, so every node sees the same. Without
it each process keeps its own, which is all a single node needs.

Redis helps; the desk never depends on it. When it cannot be reached, each process
counts and keeps for itself (with a warning in the log) and goes back to Redis once it
answers again: a desk that serves with per-process limits beats one that answers 500."""
import logging
import time

import redis
from flask import Flask, current_app

log = logging.getLogger("qidesk.shared_state")

# A node waits at most this long (seconds) on Redis before doing without it.
TIMEOUT = 0.5
# After a failure a process leaves Redis alone this long: while it is down, every
# request would otherwise wait out the timeout first.
RETRY_AFTER = 30.0
EXTENSION = "qidesk.shared_state"


def configure(app: Flask) -> None:
    """Point the rate limits at REDIS_URL, unless RATELIMIT_STORAGE_URI names a storage
    of its own, and keep a store for the rest. Runs before the limiter is bound."""
    config = app.config
    url = config.get("REDIS_URL") or None
    prefix = config["REDIS_KEY_PREFIX"]
    if not config.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = url or "memory://"
    storage = config["RATELIMIT_STORAGE_URI"]
    if storage.startswith(("redis://", "rediss://", "redis+unix://")):
        options = {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT}
        if storage == url:
            # Under the desk's prefix, so two desks on one Redis keep apart (and a reset
            # of the limits clears this desk's counts only).
            options["key_prefix"] = f"{prefix}limits"
        config["RATELIMIT_STORAGE_OPTIONS"] = {
            **options, **(config.get("RATELIMIT_STORAGE_OPTIONS") or {})}
        # Redis down: count in the process (Flask-Limiter logs "falling back to in-memory
        # storage") instead of failing every limited page with a 500.
        config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.extensions[EXTENSION] = SharedStore(url, prefix) if url else None
    if url and not config.get("SECRET_KEY"):
        log.warning("REDIS_URL is set, so several nodes may serve this desk: give them one "
                    "SECRET_KEY (QIDESK_SECRET_KEY), or each signs its sessions with the key "
                    "in its own instance folder and people are signed out between nodes")


def shared_store() -> "SharedStore | None":
    """The store the nodes share, or None when every process keeps its own."""
    return current_app.extensions.get(EXTENSION)


class SharedStore:
    """The desk's keys in Redis, each under the desk's prefix. A read or write that
    fails is logged and comes back empty: the caller then works it out for itself."""

    def __init__(self, url: str, prefix: str):
        self.client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT,
                                           socket_timeout=TIMEOUT)
        self.prefix = prefix
        self._resting_until = 0.0

    def key(self, name: str) -> str:
        return self.prefix + name

    def get(self, name: str) -> bytes | None:
        """The value kept under `name`; None when there is none or Redis is down."""
        if self._resting():
            return None
        try:
            return self.client.get(self.key(name))
        except redis.RedisError as err:
            self._failed(err)
            return None

    def set(self, name: str, value: str | bytes, expire: int) -> bool:
        """Keep `value` under `name` for `expire` seconds; False when Redis is down."""
        if self._resting():
            return False
        try:
            self.client.set(self.key(name), value, ex=expire)
            return True
        except redis.RedisError as err:
            self._failed(err)
            return False

    def _resting(self) -> bool:
        return time.monotonic() < self._resting_until

    def _failed(self, err: Exception) -> None:
        self._resting_until = time.monotonic() + RETRY_AFTER
        log.warning("Redis (REDIS_URL) unreachable: %s; this process keeps its own state "
                    "for the next %d s", err, RETRY_AFTER)
