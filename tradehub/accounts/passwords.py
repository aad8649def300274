"""Password hashing with Argon2id (argon2-cffi), the OWASP-recommended KDF."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from flask import current_app, has_app_context
from zxcvbn import zxcvbn

# RFC 9106's second recommended option (t=3, m=64 MiB, p=4): argon2-cffi's default, pinned so a
# library upgrade never changes our hashes silently (needs_rehash would then rehash everyone).
PRODUCTION_HASHER = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)

# The cheapest Argon2id the library accepts (t=1, m=8 KiB, p=1): still the real KDF and hash
# format, ~0.1 ms instead of ~0.4 s. Only an app whose config has TESTING = True uses it.
TESTING_HASHER = PasswordHasher(
    time_cost=1,
    memory_cost=8,
    parallelism=1,
    hash_len=RFC_9106_LOW_MEMORY.hash_len,
    salt_len=RFC_9106_LOW_MEMORY.salt_len,
    type=RFC_9106_LOW_MEMORY.type,
)

# Verified against when the email is unknown, so sign-in takes as long either way; one per
# hasher, made on first use (hashing at import would cost 0.4 s in every process).
_DUMMY_HASHES: dict[int, str] = {}


def current_hasher() -> PasswordHasher:
    """The production hasher, unless the current app's config says TESTING."""
    if has_app_context() and current_app.config.get("TESTING") is True:
        return TESTING_HASHER
    return PRODUCTION_HASHER


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = id(hasher)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash("not-a-real-password-used-for-timing")
    return _DUMMY_HASHES[key]


def hash_password(password: str) -> str:
    """Return an Argon2id hash with a fresh salt."""
    return current_hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check `password`; with no hash, still spend the same time and fail."""
    hasher = current_hasher()
    try:
        return (
            hasher.verify(password_hash or _dummy_hash(hasher), password)
            and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than today's (e.g. weaker)."""
    return current_hasher().check_needs_rehash(password_hash)


# Password strength (issue #13): length first, no composition rules, and guessability judged
# by zxcvbn, an offline estimator with its own dictionaries (common passwords, names, words,
# keyboard patterns, sequences, dates). Scores run 0-4; below 3 is refused.
MIN_STRENGTH_SCORE = 3
# zxcvbn's matching grows quickly with length; the rest of a longer password only adds strength.
_STRENGTH_CHARS = 72  # the most zxcvbn 4.5 accepts


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why `password` is too easy to guess (a sentence for the form), or None when it is fine."""
    lowered = password.lower()
    address = email.strip().lower()
    local_part = address.partition("@")[0]
    if address and (address in lowered or (len(local_part) >= 4 and local_part in lowered)):
        return "Your password must not contain your email address."
    result = zxcvbn(password[:_STRENGTH_CHARS], user_inputs=[v for v in (address, name) if v])
    if result["score"] >= MIN_STRENGTH_SCORE:
        return None
    feedback = result["feedback"]
    reasons = [feedback.get("warning") or "", *feedback.get("suggestions", [])]
    why = " ".join(reason.strip() for reason in reasons if reason.strip())
    return "Choose a password that is harder to guess. " + (
        why or "Add another word or two. Uncommon words are better."
    )
