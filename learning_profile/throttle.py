"""Failed sign-ins, counted per username and per address in the cache.

After too many failures in the window, sign-in is refused for that username (from anywhere) or
from that address (for any username) until the window has passed. Unknown usernames count
exactly like real ones, so the lock-out says nothing about which accounts exist. Only a digest
of the username is kept; with REDIS_URL the count is shared by every app server.

The counts live in the `limits` cache. If it cannot be reached, `state()` says "unavailable"
and callers refuse the attempt: without a count, anyone could guess without limit (fail closed).
"""

import hashlib
import logging
import time

from django.core.cache import caches

WINDOW_SECONDS = 15 * 60
MAX_PER_USERNAME = 5
MAX_PER_ADDRESS = 30
KEY_PREFIX = "signin-failures"
CACHE_ALIAS = "limits"
OK, LOCKED, UNAVAILABLE = "ok", "locked", "unavailable"
logger = logging.getLogger(__name__)


def now():
    return time.time()


def _keys(username, address):
    digest = hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()
    return (
        (f"{KEY_PREFIX}:user:{digest}", MAX_PER_USERNAME),
        (f"{KEY_PREFIX}:addr:{address}", MAX_PER_ADDRESS),
    )


def _cache():
    return caches[CACHE_ALIAS]


def _recent(key):
    cutoff = now() - WINDOW_SECONDS
    return [moment for moment in _cache().get(key, []) if moment > cutoff]


def state(username, address):
    """OK, LOCKED (too many recent failures) or UNAVAILABLE (the counts cannot be read)."""
    try:
        locked = any(len(_recent(key)) >= limit for key, limit in _keys(username, address))
    except Exception:  # noqa: BLE001 - whatever the cache raised, refuse rather than allow
        logger.warning("Sign-in limits unavailable: refusing sign-in attempts", exc_info=True)
        return UNAVAILABLE
    return LOCKED if locked else OK


def record_failure(username, address):
    try:
        for key, _limit in _keys(username, address):
            _cache().set(key, [*_recent(key), now()], WINDOW_SECONDS)
    except Exception:  # noqa: BLE001 - the next attempt finds the cache down and is refused
        logger.warning("Sign-in limits unavailable: a failure was not counted", exc_info=True)


def clear(username):
    key, _limit = _keys(username, "")[0]
    try:
        _cache().delete(key)
    except Exception:  # noqa: BLE001 - an old count only expires later
        logger.warning("Sign-in limits unavailable: a count was not cleared", exc_info=True)


def client_address(request):
    """The peer address; behind a proxy, set the proxy to pass it as REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR", "unknown")
