"""A Redis cache that behaves like an empty cache while Redis is down.

The site works without its cache: every page can be made from the database. So the `default`
cache, with `REDIS_URL`, swallows Redis errors: a read is a miss, a write does nothing, and a
warning is logged (at most once a minute per process). Pages are then served uncached.

Counting limits (failed sign-ins, certificate checks) must not work that way: an empty counter
would let anyone guess without limit. They use the `limits` cache, the plain Django backend on
the same Redis, whose errors reach the caller, which then refuses (fails closed).
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("emilia.cache")
WARN_EVERY_SECONDS = 60
_last_warning = [0.0]


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

        try:
            return getattr(super(TolerantRedisCache, self), name)(*args, **kwargs)
        except (redis.RedisError, OSError) as exc:
            _warn(name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

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

    def incr(self, key, delta=1, version=None):
        import redis

        try:
            return super().incr(key, delta, version)
        except (redis.RedisError, OSError) as exc:
            _warn("incr", exc)
            return delta
