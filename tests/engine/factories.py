"""Tiny synthetic problems for engine tests (no real people or places beyond rough coordinates)."""

from __future__ import annotations

from typing import Any

from scheduler.domain import Plan, Problem
from scheduler.formats import load_problem

BRUM = (52.48, -1.90)
WEEKDAYS = {
    "weekly": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}]
}


def at(lat: float, lon: float) -> dict[str, float]:
    return {"lat": lat, "lon": lon}


def north_km(km: float, base: tuple[float, float] = BRUM) -> dict[str, float]:
    """A point `km` kilometres due north of `base` (1° of latitude ≈ 111.195 km)."""
    return at(base[0] + km / 111.195, base[1])


def facilitator(fid: str, **kw: Any) -> dict[str, Any]:
    doc = {
        "id": fid,
        "name": f"Facilitator {fid}",
        "email": f"{fid.lower()}@example.org",
        "home": north_km(1),
        "level": "advanced",
        "skills": ["sensitive_complex"],
        "availability": WEEKDAYS,
    }
    doc.update(kw)
    return doc


def venue(vid: str, **kw: Any) -> dict[str, Any]:
    doc = {
        "id": vid,
        "name": f"Venue {vid}",
        "kind": "community",
        "location": north_km(5),
        "rooms": [{"id": "R1", "capacity": 8}],
        "waiting_rooms": ["W1", "W2"],
        "step_free": True,
        "hearing_loop": True,
    }
    doc.update(kw)
    return doc


def party(pid: str, role: str, **kw: Any) -> dict[str, Any]:
    doc = {"id": pid, "role": role, "name": f"Person {pid}", "home": north_km(10), "consent": True}
    doc.update(kw)
    return doc


def case(
    cid: str,
    *,
    victim: dict | None = None,
    offender: dict | None = None,
    extra: list | None = None,
    **kw: Any,
) -> dict[str, Any]:
    doc = {
        "id": cid,
        "reference": f"RJ-{cid}",
        "offence": "burglary",
        "risk": "low",
        "duration_minutes": 60,
        "facilitators_required": 1,
        "parties": [
            party(f"{cid}V", "victim", **(victim or {})),
            party(f"{cid}O", "offender", **(offender or {})),
            *(extra or []),
        ],
    }
    doc.update(kw)
    return doc


def problem(
    facilitators: list[dict],
    venues: list[dict],
    cases: list[dict],
    *,
    start: str = "2027-03-01",
    end: str = "2027-03-05",
    slot: int = 60,
    **kw: Any,
) -> Problem:
    doc = {
        "format": "rj-problem/1",
        "name": "test",
        "horizon": {"start": start, "end": end},
        "slot_minutes": slot,
        "facilitators": facilitators,
        "venues": venues,
        "cases": cases,
    }
    doc.update(kw)
    return load_problem(doc)


def with_existing(p: Problem, meetings: list[dict]) -> Problem:
    doc = p.to_doc()
    doc["existing"] = meetings
    return load_problem(doc)


def check(p: Problem, plan: Plan) -> None:
    """Structural checks, then the independent verifier: the plan must be valid."""
    ids = [m.case for m in plan.meetings] + [u.case for u in plan.unscheduled]
    assert sorted(ids) == sorted(c.id for c in p.cases)
    for m in plan.meetings:
        c = p.case_by_id[m.case]
        assert sorted(a.party for a in m.attendance) == sorted(x.id for x in c.attendees)
    from scheduler.verify import verify

    assert verify(p, plan) == []
