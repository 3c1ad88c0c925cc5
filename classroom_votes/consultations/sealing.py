"""Sealing a ballot between its cast and the mixing of the urn: what the database stores of a
vote until it is mixed is unreadable without a key it does not hold.

AES-256-GCM (the `cryptography` library), a random 96-bit nonce per ballot, the consultation
and the class as associated data (a sealed ballot moved to another consultation or class does
not open). The keys come from settings.HEMICYCLE_BALLOT_SEAL_KEYS, kept outside the database
(an environment variable in production): the first seals, every one of them opens, so that a
key can be replaced while sealed ballots wait. A sealed ballot reads:
version (1 byte) | key id (4 bytes) | nonce (12 bytes) | ciphertext and tag."""

import base64
import hashlib
import json
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

VERSION = b"\x01"
NONCE_BYTES = 12
KEY_ID_BYTES = 4


class SealBroken(Exception):
    """A sealed ballot that no known key opens, or that was altered: a bug or tampering, never
    a refusal to show a user."""


def key_decode(value: str) -> bytes:
    """A key as settings hold it (URL-safe base64 of 32 bytes)."""
    key = base64.urlsafe_b64decode(value.encode() + b"=" * (-len(value) % 4))
    if len(key) != 32:
        raise ValueError("a ballot seal key is 32 bytes, in URL-safe base64")
    return key


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"hemicycle ballot seal key id" + key).digest()[:KEY_ID_BYTES]


@cache
def _keys(values: tuple[str, ...]) -> tuple[tuple[bytes, AESGCM], ...]:
    return tuple((_key_id(key), AESGCM(key)) for key in map(key_decode, values))


def _ring() -> tuple[tuple[bytes, AESGCM], ...]:
    return _keys(tuple(settings.HEMICYCLE_BALLOT_SEAL_KEYS))


def _associated(consultation_id: int, classroom_id: int) -> bytes:
    return f"hemicycle ballot {consultation_id} {classroom_id}".encode()


def ballot_seal(content: dict, *, consultation_id: int, classroom_id: int) -> bytes:
    key_id, aead = _ring()[0]
    nonce = os.urandom(NONCE_BYTES)
    plaintext = json.dumps(content, separators=(",", ":"), sort_keys=True).encode()
    ciphertext = aead.encrypt(nonce, plaintext, _associated(consultation_id, classroom_id))
    return VERSION + key_id + nonce + ciphertext


def ballot_unseal(sealed: bytes, *, consultation_id: int, classroom_id: int) -> dict:
    sealed = bytes(sealed)
    if sealed[:1] != VERSION:
        raise SealBroken("unknown sealed ballot version")
    key_id = sealed[1 : 1 + KEY_ID_BYTES]
    nonce = sealed[1 + KEY_ID_BYTES : 1 + KEY_ID_BYTES + NONCE_BYTES]
    ciphertext = sealed[1 + KEY_ID_BYTES + NONCE_BYTES :]
    for candidate_id, aead in _ring():
        if candidate_id == key_id:
            try:
                plaintext = aead.decrypt(
                    nonce, ciphertext, _associated(consultation_id, classroom_id)
                )
            except InvalidTag:
                break
            return json.loads(plaintext)
    raise SealBroken("no seal key opens this ballot, or it was altered")
