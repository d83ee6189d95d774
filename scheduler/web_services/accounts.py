"""Accounts and their roles, server-side sessions and the login lockout.

Roles (`ROLES`): an administrator manages accounts (and may do coordinator work); a
coordinator runs cases, plans and sends; a viewer sees counts and statuses but no
personal data; a facilitator sees their own meetings and manages their own feed.

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
ROLES = ("admin", "coordinator", "viewer", "facilitator")
# Failures from one client address, over every account, before it is refused too (a
# guesser trying one password on many accounts).
CLIENT_FACTOR = 4


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


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > 1000:
        raise AccountError("the password must have at most 1000 characters")


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    now: dt.datetime,
    role: str = "coordinator",
    facilitator_id: str | None = None,
) -> UserRow:
    email = normalise_email(email)
    if "@" not in email or len(email) > 320:
        raise AccountError(f"email {email[:80]!r} is not an email address")
    _check_password(password)
    if role not in ROLES:
        raise AccountError(f"role {role[:40]!r} is not one of {', '.join(ROLES)}")
    if (role == "facilitator") != bool(facilitator_id):
        raise AccountError("a facilitator account names its facilitator, and only it does")
    if facilitator_id is not None and len(facilitator_id) > 64:
        raise AccountError("a facilitator id has at most 64 characters")
    if session.scalar(select(UserRow).where(UserRow.email == email)) is not None:
        raise AccountError(f"a user with email {email} already exists")
    user = UserRow(
        email=email,
        password_hash=_hasher.hash(password),
        role=role,
        active=True,
        created_at=now,
        facilitator_id=facilitator_id,
        password_changed_at=now,
    )
    session.add(user)
    session.flush()
    return user


def set_password(
    session: Session, *, user: UserRow, password: str, now: dt.datetime | None = None
) -> None:
    """Give `user` a new password (same rule as `create_user`); their sessions end."""
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    user.password_changed_at = now or dt.datetime.now(dt.UTC)
    session.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
    session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    session.flush()


def set_active(session: Session, *, user: UserRow, active: bool, now: dt.datetime) -> None:
    """Disable (every session ends at once) or enable an account."""
    user.active = active
    user.disabled_at = None if active else now
    if not active:
        session.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
    session.flush()


def find_user(session: Session, who: str | int) -> UserRow | None:
    """The account with this id or email."""
    if isinstance(who, int) or (isinstance(who, str) and who.isdigit() and len(who) < 19):
        return session.get(UserRow, int(who))
    return session.scalar(select(UserRow).where(UserRow.email == normalise_email(str(who))))


def all_users(session: Session) -> list[UserRow]:
    return list(session.scalars(select(UserRow).order_by(UserRow.id)))


def recent_failures(
    session: Session, *, email: str | None = None, client: str | None = None, since: dt.datetime
) -> int:
    """Failures inside the window for this account (any client) or this client (any account)."""
    query = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    if email is not None:
        query = query.where(LoginFailure.email == normalise_email(email))
    if client is not None:
        query = query.where(LoginFailure.client == client[:64])
    return session.scalar(query) or 0


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

    Failures inside the window are counted per account, whatever address they came
    from (so a new `X-Forwarded-For` each try does not help), and per client address
    over every account (`CLIENT_FACTOR` times the limit). Once either is reached even
    the right password is refused until the window has passed.
    """
    email = normalise_email(email)
    since = now - window
    if (
        recent_failures(session, email=email, since=since) >= max_failures
        or recent_failures(session, client=client, since=since) >= max_failures * CLIENT_FACTOR
    ):
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
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    return user


@dataclass(frozen=True)
class LiveSession:
    user_id: int
    email: str
    csrf_token: str
    role: str = "coordinator"
    facilitator_id: str | None = None


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
    return LiveSession(
        user_id=user.id,
        email=user.email,
        csrf_token=row.csrf_token,
        role=user.role if user.role in ROLES else "viewer",
        facilitator_id=user.facilitator_id,
    )


def end_session(session: Session, *, token: str | None) -> None:
    if token:
        session.execute(delete(SessionRow).where(SessionRow.id_hash == sha256(token)))


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes; every time stored here is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
