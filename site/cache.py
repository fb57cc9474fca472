"""A Redis cache that behaves like an empty cache while Redis is down.

The site works without its cache: every page can be made from the database. So the `default`
cache, with `REDIS_URL`, swallows Redis errors: a read is a miss, a write does nothing, and a
warning is logged (at most once a minute per process). Pages are then served uncached. After a
failure, the process leaves Redis alone for a few seconds: a Redis that hangs rather than
refuses would otherwise cost every request several connection timeouts.

Counting limits (failed sign-ins, certificate checks) must not work that way: an empty counter
would let anyone guess without limit. They use the `limits` cache, the plain Django backend on
the same Redis, whose errors reach the caller, which then refuses (fails closed).
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("emilia.cache")
WARN_EVERY_SECONDS = 60
RETRY_AFTER_SECONDS = 5
_last_warning = [0.0]
# Per Redis address: until when (time.monotonic()) it is left alone after a failure.
_down_until = {}


def _warn(operation, exc):
    now = time.monotonic()
    if now - _last_warning[0] >= WARN_EVERY_SECONDS:
        _last_warning[0] = now
        logger.warning(
            "Cache unavailable (%s failed: %s); serving without it",
            operation,
            type(exc).__name__,
        )


def _tolerant(name, fallback):
    def method(self, *args, **kwargs):
        import redis

        def fallen_back():
            return fallback(*args, **kwargs) if callable(fallback) else fallback

        if time.monotonic() < _down_until.get(self._location, 0):
            return fallen_back()
        try:
            return getattr(super(TolerantRedisCache, self), name)(*args, **kwargs)
        except (redis.RedisError, OSError) as exc:
            _down_until[self._location] = time.monotonic() + RETRY_AFTER_SECONDS
            _warn(name, exc)
            return fallen_back()

    method.__name__ = name
    return method


def _default_argument(position, keyword):
    def fallback(*args, **kwargs):
        if keyword in kwargs:
            return kwargs[keyword]
        return args[position] if len(args) > position else None

    return fallback


class TolerantRedisCache(RedisCache):
    """Django's Redis cache, reading as a miss and writing nothing while Redis is down."""

    @property
    def _location(self):
        return tuple(self._servers)

    get = _tolerant("get", _default_argument(1, "default"))
    get_many = _tolerant("get_many", {})
    has_key = _tolerant("has_key", False)
    set = _tolerant("set", None)
    add = _tolerant("add", False)
    touch = _tolerant("touch", False)
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)
    clear = _tolerant("clear", False)
    incr = _tolerant("incr", lambda key, delta=1, version=None: delta)
