"""Accounts, for administrators: list, add, disable, enable, reset a password (all audited)."""

from __future__ import annotations

import secrets
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, ValidationError
from starlette.responses import Response

from scheduler.storage.web_models import UserRow
from scheduler.web.common import is_json, json_body, validation_detail
from scheduler.web.deps import AdminPage, AdminRead, AdminWrite, Ctx, after_form
from scheduler.web.params import RowId
from scheduler.web.templating import render
from scheduler.web_services import accounts

router = APIRouter(tags=["accounts"])

Role = Literal["admin", "coordinator", "viewer", "facilitator"]


class UserOut(BaseModel):
    id: int
    email: str
    role: str
    facilitator_id: str | None
    active: bool


class UserIn(BaseModel):
    email: Annotated[str, Field(min_length=3, max_length=320)]
    role: Role = "coordinator"
    facilitator_id: Annotated[str | None, Field(max_length=64)] = None
    password: Annotated[str | None, Field(min_length=accounts.MIN_PASSWORD, max_length=1000)] = None


class PasswordIn(BaseModel):
    password: Annotated[str | None, Field(min_length=accounts.MIN_PASSWORD, max_length=1000)] = None


class UserCreated(UserOut):
    password: str | None = Field(None, description="the generated password, shown only once")


def _out(row: UserRow) -> UserOut:
    return UserOut(
        id=row.id, email=row.email, role=row.role, facilitator_id=row.facilitator_id,
        active=row.active,
    )  # fmt: skip


async def _body(request: Request, model: type[Any]) -> Any:
    try:
        if is_json(request):
            return model.model_validate(json_body(await request.body()))
        form = await request.form()
        data = {k: str(v) for k, v in form.items() if k not in ("csrf_token", "next") and v != ""}
        return model.model_validate(data)
    except ValidationError as exc:
        raise HTTPException(422, validation_detail(exc)) from None


def _user(ctx: Ctx, user_id: int) -> UserRow:
    row = ctx.session.get(UserRow, user_id)
    if row is None:
        raise HTTPException(404, f"there is no user {user_id}")
    return row


@router.get("/api/users", response_model=list[UserOut])
def list_users(ctx: AdminRead) -> list[UserOut]:
    return [_out(r) for r in accounts.all_users(ctx.session)]


@router.post("/api/users", response_model=UserCreated)
async def add_user(request: Request, ctx: AdminWrite) -> Any:
    """Add an account; without a password one is generated and returned once."""
    body: UserIn = await _body(request, UserIn)
    password = body.password or secrets.token_urlsafe(12)
    try:
        row = accounts.create_user(
            ctx.session, email=body.email, password=password, now=ctx.now, role=body.role,
            facilitator_id=body.facilitator_id or None,
        )  # fmt: skip
    except accounts.AccountError as exc:
        raise HTTPException(422, str(exc)) from None
    ctx.audit("user_added", f"user:{row.id}", role=row.role)
    shown = None if body.password else password
    return await _answer(request, ctx, UserCreated(**_out(row).model_dump(), password=shown))


async def _answer(request: Request, ctx: Ctx, payload: Any) -> Any:
    """The accounts page again for a browser form (to show a generated password once)."""
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return _page(ctx, created=payload)
    return await after_form(request, payload)


@router.post("/api/users/{user_id}/disable", response_model=UserOut)
async def disable_user(user_id: RowId, request: Request, ctx: AdminWrite) -> Any:
    """Disable the account: it cannot sign in and its sessions end now."""
    row = _user(ctx, user_id)
    if row.id == ctx.user.user_id:
        raise HTTPException(409, "you cannot disable your own account")
    accounts.set_active(ctx.session, user=row, active=False, now=ctx.now)
    ctx.audit("user_disabled", f"user:{row.id}")
    return await after_form(request, _out(row))


@router.post("/api/users/{user_id}/enable", response_model=UserOut)
async def enable_user(user_id: RowId, request: Request, ctx: AdminWrite) -> Any:
    row = _user(ctx, user_id)
    accounts.set_active(ctx.session, user=row, active=True, now=ctx.now)
    ctx.audit("user_enabled", f"user:{row.id}")
    return await after_form(request, _out(row))


@router.post("/api/users/{user_id}/reset-password", response_model=UserCreated)
async def reset_password(user_id: RowId, request: Request, ctx: AdminWrite) -> Any:
    """A new password (given, or generated and shown once); the account's sessions end."""
    body: PasswordIn = await _body(request, PasswordIn)
    row = _user(ctx, user_id)
    if row.id == ctx.user.user_id:
        raise HTTPException(409, "reset your own password with `rjsched user reset-password`")
    password = body.password or secrets.token_urlsafe(12)
    try:
        accounts.set_password(ctx.session, user=row, password=password, now=ctx.now)
    except accounts.AccountError as exc:
        raise HTTPException(422, str(exc)) from None
    ctx.audit("password_reset", f"user:{row.id}")
    shown = None if body.password else password
    return await _answer(request, ctx, UserCreated(**_out(row).model_dump(), password=shown))


def _page(ctx: Ctx, created: Any = None) -> Response:
    return render(
        ctx.request,
        "users.html",
        users=accounts.all_users(ctx.session),
        roles=accounts.ROLES,
        created=created,
    )


@router.get("/admin/users", include_in_schema=False)
def users_page(ctx: AdminPage) -> Response:
    return _page(ctx)
