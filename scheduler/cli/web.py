"""The web app: `rjsched serve`, `rjsched user add`."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from sqlalchemy.orm import Session

from scheduler.cli.document_io import fail


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Run the web app and HTTP API (migrates the database first).

    Proxy headers (X-Forwarded-For, X-Forwarded-Proto) are believed only from the
    addresses in RJSCHED_TRUSTED_PROXIES; the app reads them itself (see docs/security.md).
    """
    import uvicorn

    from scheduler.web import create_app

    uvicorn.run(create_app(), host=host, port=port, proxy_headers=False, server_header=False)


@click.group()
def user() -> None:
    """Accounts: add, list, disable, enable, reset a password (each is audited)."""


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@contextmanager
def _accounts() -> Iterator[Session]:
    """A migrated database and one transaction; an AccountError is one line and exit 1."""
    from scheduler.storage.db import make_engine, transaction
    from scheduler.storage.migrate import upgrade
    from scheduler.web_services.accounts import AccountError

    engine = make_engine()
    try:
        upgrade(engine)
        with transaction(engine) as session:
            yield session
    except AccountError as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()


def _audit(session: Session, action: str, user_id: int, **details: Any) -> None:
    from scheduler.web_services import audit

    audit.record(
        session, actor="cli", action=action, target=f"user:{user_id}",
        now=dt.datetime.now(dt.UTC), details=details or None,
    )  # fmt: skip


def _find(session: Session, who: str) -> Any:
    from scheduler.web_services.accounts import find_user

    row = find_user(session, who)
    if row is None:
        raise fail(f"there is no user {who[:80]!r} (give an email or an id; see rjsched user list)")
    return row


@user.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["admin", "coordinator", "viewer", "facilitator"]),
    default="coordinator",
    show_default=True,
)
@click.option("--facilitator", "facilitator_id", help="the facilitator id (facilitator accounts)")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def user_add(email: str, role: str, facilitator_id: str | None, password_stdin: bool) -> None:
    """Create an account (prompts for the password unless --password-stdin)."""
    from scheduler.web_services.accounts import create_user

    password = _read_password(password_stdin)
    with _accounts() as session:
        row = create_user(
            session, email=email, password=password, now=dt.datetime.now(dt.UTC), role=role,
            facilitator_id=facilitator_id,
        )  # fmt: skip
        _audit(session, "user_added", row.id, role=role)
        click.echo(f"user {row.email} added (id {row.id}, {role})")


@user.command("list")
def user_list() -> None:
    """Every account: id, email, role, facilitator, active or disabled."""
    from scheduler.web_services.accounts import all_users

    with _accounts() as session:
        for row in all_users(session):
            state = "active" if row.active else "disabled"
            extra = f" {row.facilitator_id}" if row.facilitator_id else ""
            click.echo(f"{row.id}\t{row.email}\t{row.role}{extra}\t{state}")


@user.command("disable")
@click.argument("who")
def user_disable(who: str) -> None:
    """Disable an account (by email or id): it cannot sign in, its sessions end now."""
    _set_active(who, active=False)


@user.command("enable")
@click.argument("who")
def user_enable(who: str) -> None:
    """Enable a disabled account again."""
    _set_active(who, active=True)


def _set_active(who: str, *, active: bool) -> None:
    from scheduler.web_services.accounts import set_active

    word = "enabled" if active else "disabled"
    with _accounts() as session:
        row = _find(session, who)
        set_active(session, user=row, active=active, now=dt.datetime.now(dt.UTC))
        _audit(session, f"user_{word}", row.id)
        click.echo(f"user {row.email} {word}")


@user.command("reset-password")
@click.argument("who")
@click.option("--password-stdin", is_flag=True, help="read the new password from standard input")
def user_reset_password(who: str, password_stdin: bool) -> None:
    """Give an account a new password; its sessions end now."""
    from scheduler.web_services.accounts import set_password

    password = _read_password(password_stdin)
    with _accounts() as session:
        row = _find(session, who)
        set_password(session, user=row, password=password, now=dt.datetime.now(dt.UTC))
        _audit(session, "password_reset", row.id)
        click.echo(f"user {row.email}: password reset, sessions ended")


COMMANDS = [serve, user]
