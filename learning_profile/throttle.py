"""Failed sign-ins, counted per username and per address in the cache.

After too many failures in the window, sign-in is refused for that username (from anywhere) or
from that address (for any username) until the window has passed. Unknown usernames count
exactly like real ones, so the lock-out says nothing about which accounts exist. Only a digest
of the username is kept; with REDIS_URL the count is shared by every app server.
"""

import hashlib
import time

from django.core.cache import cache

WINDOW_SECONDS = 15 * 60
MAX_PER_USERNAME = 5
MAX_PER_ADDRESS = 30
KEY_PREFIX = "signin-failures"


def now():
    return time.time()


def _keys(username, address):
    digest = hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()
    return (
        (f"{KEY_PREFIX}:user:{digest}", MAX_PER_USERNAME),
        (f"{KEY_PREFIX}:addr:{address}", MAX_PER_ADDRESS),
    )


def _recent(key):
    cutoff = now() - WINDOW_SECONDS
    return [moment for moment in cache.get(key, []) if moment > cutoff]


def is_locked(username, address):
    return any(len(_recent(key)) >= limit for key, limit in _keys(username, address))


def record_failure(username, address):
    for key, _limit in _keys(username, address):
        cache.set(key, [*_recent(key), now()], WINDOW_SECONDS)


def clear(username):
    key, _limit = _keys(username, "")[0]
    cache.delete(key)


def client_address(request):
    """The peer address; behind a proxy, set the proxy to pass it as REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR", "unknown")
