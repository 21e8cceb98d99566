"""Sealing bytes that wait in the database for a while: an import job's file and its report.

AES-256-GCM (the `cryptography` package) under a key derived (HKDF-SHA256) from SECRET_KEY and the
purpose, with a context (the job's project and uploader) bound in as associated data, so a sealed
value opens only for the row it was sealed for. SECRET_KEY never reaches the database or a backup
(README: Back up and restore), so neither does what is sealed; a deleted value that lingers in free
pages or a WAL file is ciphertext. After a key rotation, SECRET_KEY_FALLBACKS still open older values.
"""
from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = b"\x01"
NONCE_BYTES = 12


class SealBroken(Exception):
    """The value cannot be opened: another key (SECRET_KEY changed), another row, or damaged."""


def _key(secret: str, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"research.sealed",
                info=purpose.encode()).derive(secret.encode())


def seal(data: bytes, *, purpose: str, context: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(_key(settings.SECRET_KEY, purpose)).encrypt(nonce, data, context.encode())


def unseal(blob: bytes | memoryview | None, *, purpose: str, context: str) -> bytes:
    blob = bytes(blob or b"")
    if blob[:1] != VERSION or len(blob) < 1 + NONCE_BYTES + 16:
        raise SealBroken("not a sealed value")
    nonce, body = blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:]
    for secret in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())):
        try:
            return AESGCM(_key(secret, purpose)).decrypt(nonce, body, context.encode())
        except InvalidTag:
            continue
    raise SealBroken("the value does not open with the current key")
