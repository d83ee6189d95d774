"""The web app: `rjsched serve`, `rjsched user add`."""

from __future__ import annotations

import datetime as dt
import sys

import click

from scheduler.cli.document_io import fail


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Run the coordinator's web app and HTTP API (migrates the database first)."""
    import uvicorn

    from scheduler.web import create_app

    uvicorn.run(create_app(), host=host, port=port, proxy_headers=True)


@click.group()
def user() -> None:
    """Coordinator accounts."""


@user.command("add")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def user_add(email: str, password_stdin: bool) -> None:
    """Create a coordinator account (prompts for the password unless --password-stdin)."""
    from scheduler.storage.db import make_engine, transaction
    from scheduler.storage.migrate import upgrade
    from scheduler.web_services.accounts import AccountError, create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    engine = make_engine()
    try:
        upgrade(engine)
        with transaction(engine) as session:
            user_row = create_user(
                session, email=email, password=password, now=dt.datetime.now(dt.UTC)
            )
            from scheduler.web_services import audit

            audit.record(
                session,
                actor="cli",
                action="user_added",
                target=f"user:{user_row.id}",
                now=dt.datetime.now(dt.UTC),
            )
            click.echo(f"user {user_row.email} added (id {user_row.id})")
    except AccountError as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()


COMMANDS = [serve, user]
