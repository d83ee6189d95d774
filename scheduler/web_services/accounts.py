"""Coordinator accounts, server-side sessions and login rate limiting.

Passwords are argon2 hashes; session ids are random and stored as sha256 hashes, so the
database never holds anything a browser could present. Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from scheduler.storage.web_models import LoginFailure, SessionRow, UserRow

_hasher = PasswordHasher()
# Verified against when the account does not exist, so a wrong email costs as much as a
# wrong password and response times do not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD = 10


class AccountError(ValueError):
    """A user mistake when creating an account (message is safe to show)."""


class BadCredentials(Exception):
    pass


class TooManyAttempts(Exception):
    pass


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session, *, email: str, password: str, now: dt.datetime, role: str = "coordinator"
) -> UserRow:
    email = normalise_email(email)
    if "@" not in email or len(email) > 320:
        raise AccountError(f"email {email!r} is not an email address")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if session.scalar(select(UserRow).where(UserRow.email == email)) is not None:
        raise AccountError(f"a user with email {email} already exists")
    user = UserRow(
        email=email, password_hash=_hasher.hash(password), role=role, active=True, created_at=now
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, *, user: UserRow, password: str) -> None:
    """Give `user` a new password (same rule as `create_user`); their sessions end."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    user.password_hash = _hasher.hash(password)
    session.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
    session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    session.flush()


def recent_failures(session: Session, *, email: str, client: str, since: dt.datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(
                LoginFailure.email == normalise_email(email),
                LoginFailure.client == client,
                LoginFailure.at >= since,
            )
        )
        or 0
    )


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    client: str,
    now: dt.datetime,
    max_failures: int = 5,
    window: dt.timedelta = dt.timedelta(minutes=15),
) -> UserRow:
    """The active user with these credentials; records failures, refuses after too many.

    The limit counts failures per (account, client address) inside the window; once
    reached, even the right password is refused until the window has passed, so
    guessing cannot continue.
    """
    email = normalise_email(email)
    if recent_failures(session, email=email, client=client, since=now - window) >= max_failures:
        raise TooManyAttempts()
    user = session.scalar(select(UserRow).where(UserRow.email == email))
    ok = False
    try:
        ok = (
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
            and user is not None
        )
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.active:
        session.add(LoginFailure(email=email, client=client[:64], at=now))
        raise BadCredentials()
    session.execute(
        delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.client == client)
    )
    return user


@dataclass(frozen=True)
class LiveSession:
    user_id: int
    email: str
    csrf_token: str


def start_session(session: Session, *, user: UserRow, now: dt.datetime, hours: float) -> str:
    """A new session for `user`; returns the cookie value (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        SessionRow(
            id_hash=sha256(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
    )
    # Expired sessions are swept here rather than by a separate job: logins are rare.
    session.execute(delete(SessionRow).where(SessionRow.expires_at < now))
    return token


def live_session(session: Session, *, token: str | None, now: dt.datetime) -> LiveSession | None:
    if not token:
        return None
    row = session.get(SessionRow, sha256(token))
    if row is None or _aware(row.expires_at) <= now:
        return None
    user = session.get(UserRow, row.user_id)
    if user is None or not user.active:
        return None
    return LiveSession(user_id=user.id, email=user.email, csrf_token=row.csrf_token)


def end_session(session: Session, *, token: str | None) -> None:
    if token:
        session.execute(delete(SessionRow).where(SessionRow.id_hash == sha256(token)))


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes; every time stored here is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
