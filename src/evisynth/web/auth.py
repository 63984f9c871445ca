"""Who may use the app: nobody but the local user on loopback, or authenticated users elsewhere.

On a loopback address the app needs no login. On any other interface it refuses to start unless an
access token (like Jupyter's) or a users file with argon2-hashed passwords is configured.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from evisynth.errors import InputError

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """``True`` for 127.0.0.0/8, ::1 and ``localhost``."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class AuthConfig:
    """Authentication of the app.

    Parameters
    ----------
    token : str, optional
        A shared access token (given once as ``?token=...`` or on the login form).
    users : dict of str to str
        User name to argon2 password hash (``evisynth.web.auth.hash_password``).
    """

    token: str | None = None
    users: dict[str, str] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return bool(self.token) or bool(self.users)

    def check_token(self, token: str) -> bool:
        return bool(self.token) and hmac.compare_digest(token.encode(), (self.token or "").encode())

    def check_user(self, name: str, password: str) -> bool:
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        stored = self.users.get(name)
        if stored is None:
            return False
        try:
            return PasswordHasher().verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` for a users file."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def read_users(path: str | Path) -> dict[str, str]:
    """A users file: one ``name:argon2-hash`` per line (``#`` comments and blank lines ignored)."""
    users: dict[str, str] = {}
    text = Path(path).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, digest = line.partition(":")
        if not sep or not name.strip() or not digest.strip().startswith("$argon2"):
            raise InputError(f"{path}: line {number}: expected 'name:$argon2id$...' (hash made by evisynth's "
                             "hash_password)")
        users[name.strip()] = digest.strip()
    return users


def require_auth_off_loopback(host: str, auth: AuthConfig | None) -> None:
    """Refuse to listen on a non-loopback address without authentication."""
    if not is_loopback(host) and not (auth and auth.enabled):
        raise InputError(f"refusing to listen on {host!r} without authentication: give --token or --users FILE "
                         "(or keep the default --host 127.0.0.1)")
