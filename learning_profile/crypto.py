"""Encryption at rest for everything a learner writes in their PDP.

Fernet (AES-128-CBC with an HMAC-SHA256 tag) is authenticated: a changed or foreign value is
refused, never shown. `PDP_ENCRYPTION_KEYS` holds one or more keys, newest first; values are
written with the first and read with any, so keys can be rotated (`manage.py rotate_pdp_keys`).
Without a usable key every read and write raises `PDPKeyError`: we fail closed.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "pdp1:"


class PDPKeyError(RuntimeError):
    """The PDP cannot be read or written: no key, a malformed key, or a key that does not fit."""


@lru_cache(maxsize=4)
def _fernet(keys):
    if not keys:
        raise PDPKeyError("PDP_ENCRYPTION_KEYS is not set: learner data cannot be read or saved.")
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except (ValueError, UnicodeEncodeError) as exc:
        raise PDPKeyError(
            "PDP_ENCRYPTION_KEYS holds a malformed key (each is 32 url-safe base64 bytes)."
        ) from exc


def fernet():
    return _fernet(tuple(settings.PDP_ENCRYPTION_KEYS))


def generate_key():
    return Fernet.generate_key().decode("ascii")


def encrypt(text):
    return PREFIX + fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(value):
    if not value.startswith(PREFIX):
        raise PDPKeyError("A PDP value is not in the encrypted format; refusing to show it.")
    try:
        return fernet().decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise PDPKeyError(
            "A PDP value cannot be decrypted with the configured keys (wrong or missing key)."
        ) from exc


def rotate(value):
    """The same text encrypted again with the newest key (reads with any configured key)."""
    if not value:
        return value
    if not value.startswith(PREFIX):
        raise PDPKeyError("A PDP value is not in the encrypted format.")
    try:
        token = fernet().rotate(value[len(PREFIX) :].encode("ascii"))
    except InvalidToken as exc:
        raise PDPKeyError("A PDP value cannot be decrypted with any configured key.") from exc
    return PREFIX + token.decode("ascii")
