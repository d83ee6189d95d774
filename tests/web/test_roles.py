"""Every route checks the role: a table of who may use each, walked against the app's routes.

`ACCESS` maps every (method, path) of the app to the roles allowed to use it (or
`PUBLIC`). A route that is not in the table fails `test_every_route_is_in_the_table`,
so a route added on another branch must say who may use it. Each route is then tried
as each role (and signed out): an allowed role never gets 401/403, any other gets 403,
and nobody signed in gets 401 (API) or the login page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from scheduler.domain import Plan
from scheduler.storage.db import transaction
from scheduler.storage.plans import save_plan
from scheduler.web_services.accounts import create_user
from tests.web.helpers import PASSWORD, login, make_app

DATA = Path(__file__).parents[1] / "data"
PROBLEM = json.loads((DATA / "small.problem.json").read_text())
PLAN = json.loads((DATA / "small.plan.json").read_text())

ROLES = ("admin", "coordinator", "viewer", "facilitator")
PUBLIC = frozenset({"anonymous", *ROLES})
STAFF = frozenset({"admin", "coordinator"})
VIEWERS = STAFF | {"viewer"}
FACILITATOR = frozenset({"facilitator"})
ADMIN = frozenset({"admin"})
EVERYONE = frozenset(ROLES)

ACCESS: dict[tuple[str, str], frozenset[str]] = {
    # public: the login form, the schema, a feed (its token is the key)
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/feeds/{token}.ics"): PUBLIC,
    # anyone signed in
    ("POST", "/logout"): EVERYONE,
    ("GET", "/api/session"): EVERYONE,
    ("GET", "/"): EVERYONE,  # staff: dashboard; viewer: overview; facilitator: to /me
    # viewers too: counts, statuses, names of venues and facilitators
    ("GET", "/api/cases"): STAFF,  # case references, offences, risk
    ("GET", "/api/plans"): VIEWERS,
    ("GET", "/api/facilitators"): VIEWERS,
    ("GET", "/api/venues"): VIEWERS,
    ("GET", "/api/jobs/{job_id}"): VIEWERS,
    ("GET", "/facilitators"): VIEWERS,
    ("GET", "/venues"): VIEWERS,
    # coordinator work
    ("GET", "/api/cases/{case_id}"): STAFF,
    ("GET", "/api/cases/{case_id}/suggestions"): STAFF,
    ("POST", "/api/cases/{case_id}/place"): STAFF,
    ("POST", "/api/cases/{case_id}/erase"): STAFF,
    ("POST", "/api/parties/{party_id}/erase"): STAFF,
    ("GET", "/cases/{case_id}"): STAFF,
    ("GET", "/api/facilitators/{facilitator_id}"): STAFF,
    ("GET", "/api/venues/{venue_id}"): STAFF,
    ("GET", "/api/facilitators/{facilitator_id}/feed-tokens"): STAFF,
    ("POST", "/api/facilitators/{facilitator_id}/feed-tokens"): STAFF,
    ("POST", "/api/feed-tokens/{token_id}/revoke"): STAFF,
    ("GET", "/facilitators/{facilitator_id}"): STAFF,
    ("GET", "/venues/{venue_id}"): STAFF,
    ("GET", "/api/plans/{plan_id}"): STAFF,
    ("POST", "/api/plans/{plan_id}/confirm"): STAFF,
    ("POST", "/api/plans/{plan_id}/meetings/{case_id}/pin"): STAFF,
    ("POST", "/api/plans/{plan_id}/meetings/{case_id}/unpin"): STAFF,
    ("POST", "/api/send"): STAFF,
    ("GET", "/api/plans/{plan_id}/changes"): STAFF,
    ("GET", "/plans/{plan_id}"): STAFF,
    ("GET", "/plans/{plan_id}/confirm"): STAFF,
    ("POST", "/plans/{plan_id}/confirm"): STAFF,
    ("GET", "/plans/{plan_id}/timeline"): STAFF,
    ("GET", "/api/jobs"): STAFF,
    ("POST", "/api/jobs/{job_id}/cancel"): STAFF,
    ("POST", "/api/jobs"): STAFF,
    ("GET", "/jobs/{job_id}"): STAFF,
    ("POST", "/api/import"): STAFF,
    ("POST", "/api/import/csv"): STAFF,
    ("GET", "/import/templates/{sheet}.csv"): STAFF,
    ("GET", "/api/export"): STAFF,
    ("GET", "/api/export/plan"): STAFF,
    ("GET", "/api/audit"): STAFF,
    ("GET", "/audit"): STAFF,
    ("GET", "/import"): STAFF,
    # a facilitator's own meetings and feed
    ("GET", "/api/me/meetings"): FACILITATOR,
    ("GET", "/api/me/feed-tokens"): FACILITATOR,
    ("POST", "/api/me/feed-tokens"): FACILITATOR,
    ("POST", "/api/me/feed-tokens/{token_id}/revoke"): FACILITATOR,
    ("GET", "/me"): FACILITATOR,
    # accounts
    ("GET", "/api/users"): ADMIN,
    ("POST", "/api/users"): ADMIN,
    ("POST", "/api/users/{user_id}/disable"): ADMIN,
    ("POST", "/api/users/{user_id}/enable"): ADMIN,
    ("POST", "/api/users/{user_id}/reset-password"): ADMIN,
    ("GET", "/admin/users"): ADMIN,
}

# A body that passes the role check and then fails validation, so no allowed try starts
# a solver run or writes an account.
BODIES: dict[str, Any] = {
    "/api/jobs": {"kind": "not-a-kind"},
    "/api/cases/{case_id}/place": {"index": "not-a-number"},
    "/api/users": {"email": "x"},
    "/api/users/{user_id}/reset-password": {"password": "short"},
    "/api/import": {"not": "a problem"},
}


def app_routes(app: Any) -> Iterator[tuple[str, str]]:
    """Every (method, path) the app answers, through included routers (HEAD aside)."""

    def walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                context = getattr(route, "include_context", None)
                yield from walk(inner.routes, prefix + getattr(context, "prefix", ""))
            elif getattr(route, "methods", None):
                for method in sorted(route.methods - {"HEAD"}):
                    yield method, prefix + route.path
            elif getattr(route, "routes", None) is not None and route.path != "/static":
                yield from walk(route.routes, prefix + route.path)

    yield from walk(app.router.routes, "")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    app = make_app(tmp_path_factory.mktemp("roles"))
    now = dt.datetime.now(dt.UTC)
    with transaction(app.state.engine) as session:
        for role in ("admin", "viewer", "facilitator"):  # make_app made the coordinator
            create_user(
                session, email=f"{role}@example.org", password=PASSWORD, now=now, role=role,
                facilitator_id="F4" if role == "facilitator" else None,
            )  # fmt: skip
        spare = create_user(session, email="spare@example.org", password=PASSWORD, now=now)
        spare_id = spare.id
    with TestClient(app) as c:
        c.headers["X-CSRF-Token"] = login(c)
        assert c.post("/api/import", json=PROBLEM).status_code == 200
    with transaction(app.state.engine) as session:
        plan_id = save_plan(session, Plan.model_validate(PLAN), kind="import", created_at=now)
    values = {
        "case_id": "C1", "party_id": "P1", "facilitator_id": "F1", "venue_id": "V1",
        "plan_id": str(plan_id), "job_id": "1", "token_id": "1", "user_id": str(spare_id),
        "sheet": "facilitators", "token": "not-a-token",
    }  # fmt: skip
    return {"app": app, "values": values}


def test_every_route_is_in_the_table(world: dict[str, Any]) -> None:
    routes = set(app_routes(world["app"]))
    missing = sorted(routes - ACCESS.keys())
    assert not missing, f"routes with no entry in ACCESS (say who may use them): {missing}"
    gone = sorted(ACCESS.keys() - routes)
    assert not gone, f"ACCESS names routes the app does not have: {gone}"


def _try(client: TestClient, method: str, path: str, values: dict[str, str]) -> Any:
    url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    if method == "GET":
        return client.get(url, follow_redirects=False)
    if path == "/login":
        return client.post(url, data={"email": "x@example.org", "password": "y"})
    return client.post(url, json=BODIES.get(path, {}), follow_redirects=False)


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
@pytest.mark.parametrize(("method", "path"), sorted(ACCESS))
def test_route_checks_the_role(world: dict[str, Any], method: str, path: str, role: str) -> None:
    allowed = ACCESS[(method, path)]
    with TestClient(world["app"]) as client:
        if role != "anonymous":
            client.headers["X-CSRF-Token"] = login(client, email=f"{role}@example.org")
        res = _try(client, method, path, world["values"])
    # Pages send a signed-out browser to the login form; API answers (and the CSV
    # template download, fetched like a file) say 401.
    page = not path.startswith(("/api/", "/feeds/", "/openapi")) and not path.endswith(".csv")
    if allowed == PUBLIC:  # no role check; a wrong password or an unknown feed is not one
        assert res.status_code < 500, res.text[:300]
    elif role in allowed:
        assert res.status_code not in (401, 403), (role, method, path, res.text[:300])
        assert res.status_code < 500, res.text[:300]
    elif role == "anonymous":
        if page and method == "GET":
            assert res.status_code == 303
            assert res.headers["location"].startswith("/login")
        else:
            assert res.status_code == 401, (method, path, res.status_code)
    else:
        assert res.status_code == 403, (role, method, path, res.status_code, res.text[:300])


def test_viewer_sees_no_personal_data(world: dict[str, Any]) -> None:
    """The viewer's pages and lists show no party name, email, address or coordinate."""
    parties = [p for c in PROBLEM["cases"] for p in c["parties"]]
    secrets_ = {p["name"] for p in parties} | {p.get("email") for p in parties if p.get("email")}
    secrets_ |= {c["reference"] for c in PROBLEM["cases"]}
    with TestClient(world["app"]) as client:
        login(client, email="viewer@example.org")
        texts = [client.get(u).text for u in ("/", "/facilitators", "/venues")]
        texts += [client.get(u).text for u in ("/api/facilitators", "/api/venues", "/api/plans")]
        for url in ("/api/export", "/api/cases", "/api/cases/C1", "/api/plans/1", "/cases/C1"):
            assert client.get(url, follow_redirects=False).status_code == 403
    for text in texts:
        shown = [s for s in secrets_ if s and s in text]
        assert not shown, shown
        assert "home" not in text.lower()


def test_facilitator_sees_own_meetings_as_the_invites_say(world: dict[str, Any]) -> None:
    with TestClient(world["app"]) as client:
        client.headers["X-CSRF-Token"] = login(client, email="coordinator@example.org")
        plan_id = world["values"]["plan_id"]
        assert client.post(f"/api/plans/{plan_id}/confirm").status_code in (200, 409)
    with TestClient(world["app"]) as client:
        client.headers["X-CSRF-Token"] = login(client, email="facilitator@example.org")
        mine = client.get("/api/me/meetings").json()
        page = client.get("/me").text
        made = client.post("/api/me/feed-tokens").json()
        feed = client.get(made["url"].split("testserver", 1)[1])
        other = client.post("/api/feed-tokens/1/revoke")
    if mine:  # the confirmed plan has F4 in C7 and C6
        assert {m["case_id"] for m in mine} <= {"C7", "C6"}
        for m in mine:
            assert m["facts"]["Your role"] in ("lead facilitator", "co-facilitator")
            assert m["summary"] in page
    party_names = {p["name"] for c in PROBLEM["cases"] for p in c["parties"]}
    assert not [n for n in party_names if n in page]
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert other.status_code == 403
