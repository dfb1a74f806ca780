"""Generating and hashing API tokens.

A token is ``xxgk_`` followed by 43 URL-safe characters (256 random bits). The database keeps its SHA-256 hex digest
(looked up by equality, so no secret-dependent comparison happens in Python) and its first characters as a
``prefix`` that lets a user tell their tokens apart.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_SCHEME = "xxgk_"
PREFIX_LENGTH = 12
#: Longer bearer values are rejected before hashing (a real token is 48 characters).
MAX_TOKEN_LENGTH = 200


def token_generate() -> str:
    return TOKEN_SCHEME + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_prefix(token: str) -> str:
    return token[:PREFIX_LENGTH]
