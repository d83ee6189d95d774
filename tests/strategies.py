"""Hypothesis strategies for small, plausible, *valid* problem documents (plain dicts).

Shared by the format tests (round trips) and the solver's property tests, so the
problems stay small: 2–6 facilitators, 1–3 venues, 1–5 cases of 2–4 parties, a
horizon of 1–3 weeks (sometimes across a clock change), everyone near central
Birmingham and mostly available in the daytime. Optional keys are sometimes present
and sometimes absent. `existing` is always empty or absent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

from hypothesis import strategies as st

from scheduler.domain import Offence, Skill

Doc = dict[str, Any]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
SKILLS = list(get_args(Skill))
OFFENCES = list(get_args(Offence))
PRISON = "HMP-Test"
# Mondays whose week (or the week after) holds a clock change, and a plain one.
START_DATES = [
    dt.date(2027, 3, 22),
    dt.date(2027, 10, 25),
    dt.date(2027, 5, 3),
    dt.date(2027, 6, 7),
]


def _maybe(draw: st.DrawFn, doc: Doc, key: str, strategy: st.SearchStrategy) -> None:
    """Sets `doc[key]` about half of the time."""
    if draw(st.booleans()):
        doc[key] = draw(strategy)


def locations(spread: int = 400) -> st.SearchStrategy[Doc]:
    """A point within a few km of central Birmingham."""
    return st.builds(
        lambda a, b: {"lat": round(52.48 + a / 10000, 5), "lon": round(-1.90 + b / 10000, 5)},
        st.integers(-spread, spread),
        st.integers(-spread, spread),
    )


@st.composite
def availability(draw: st.DrawFn, first: dt.date, last: dt.date, evenings: bool = False) -> Doc:
    """Mostly weekday daytime, sometimes with a day off or an extra date."""
    kind = draw(st.sampled_from(["weekly", "weekly", "always", "dates"]))
    doc: Doc = {}
    if kind == "weekly":
        until = "20:00" if evenings else "17:00"
        doc["weekly"] = [{"days": WEEKDAYS, "from": "09:00", "to": until}]
        if draw(st.booleans()):
            doc["weekly"].append({"days": ["sat"], "from": "10:00", "to": "14:00"})
    span = (last - first).days
    if kind == "dates" or draw(st.booleans()):
        day = first + dt.timedelta(days=draw(st.integers(0, span)))
        doc["dates"] = [{"start": f"{day}T10:00", "end": f"{day}T16:00"}]
    if draw(st.booleans()):
        day = first + dt.timedelta(days=draw(st.integers(0, span)))
        nxt = day + dt.timedelta(days=1)
        doc["unavailable"] = [{"start": f"{day}T00:00", "end": f"{nxt}T00:00"}]
    return doc


@st.composite
def policies(draw: st.DrawFn) -> Doc:
    settle = draw(st.sampled_from([10, 15, 20]))
    stagger = draw(st.sampled_from([10, 15]))
    doc: Doc = {}
    _maybe(draw, doc, "settle_minutes", st.just(settle))
    _maybe(draw, doc, "stagger_minutes", st.just(stagger))
    s, g = doc.get("settle_minutes", 15), doc.get("stagger_minutes", 15)
    _maybe(draw, doc, "facilitator_before_minutes", st.sampled_from([s + g, s + g + 15]))
    _maybe(draw, doc, "facilitator_after_minutes", st.sampled_from([g, g + 15]))
    _maybe(draw, doc, "min_victim_home_distance_km", st.sampled_from([1.0, 2.5, 3.0]))
    _maybe(draw, doc, "travel_speed_kmh", st.sampled_from([20.0, 30.0]))
    _maybe(
        draw,
        doc,
        "weights",
        st.fixed_dictionaries(
            {},
            optional={
                "wait_per_day": st.integers(0, 3),
                "continuity": st.integers(0, 30),
                "travel_per_km": st.integers(0, 2),
                "max_load": st.integers(0, 10),
            },
        ),
    )
    return doc


@st.composite
def facilitator(draw: st.DrawFn, n: int, first: dt.date, last: dt.date) -> Doc:
    # The first facilitator can lead anything, so most small problems are solvable.
    level = (
        "advanced" if n == 1 else draw(st.sampled_from(["foundation", "intermediate", "advanced"]))
    )
    doc: Doc = {
        "id": f"F{n}",
        "name": f"Facilitator {n}",
        "email": f"f{n}@example.org",
        "home": draw(locations()),
        "level": level,
    }
    skills = ["sensitive_complex", "domestic_abuse", "youth"] if n == 1 else []
    _maybe(
        draw,
        doc,
        "skills",
        st.lists(st.sampled_from(SKILLS), unique=True, max_size=3).map(
            lambda extra: sorted(set(skills) | set(extra))
        ),
    )
    if skills and "skills" not in doc:
        doc["skills"] = skills
    _maybe(draw, doc, "languages", st.sampled_from([["en"], ["en", "pa"], ["en", "pl"]]))
    _maybe(draw, doc, "gender", st.sampled_from(["female", "male"]))
    _maybe(draw, doc, "max_meetings_per_day", st.integers(1, 2))
    _maybe(draw, doc, "max_meetings_per_week", st.integers(2, 5))
    _maybe(draw, doc, "max_travel_km", st.sampled_from([20, 30.0, 40]))
    _maybe(draw, doc, "availability", availability(first, last))
    return doc


@st.composite
def venue(draw: st.DrawFn, n: int, first: dt.date, last: dt.date, prison: bool) -> Doc:
    doc: Doc = {
        "id": f"V{n}",
        "name": f"Venue {n}",
        "kind": "prison"
        if prison
        else draw(st.sampled_from(["community", "police", "probation", "office"])),
    }
    _maybe(draw, doc, "address", st.just(f"{n} Example Road, Birmingham"))
    doc["location"] = draw(locations())
    rooms = draw(st.integers(1, 2))
    doc["rooms"] = [{"id": f"R{r + 1}", "capacity": draw(st.integers(6, 12))} for r in range(rooms)]
    doc["waiting_rooms"] = [f"W{w + 1}" for w in range(draw(st.integers(2, 3)))]
    if draw(st.booleans()):
        doc["separate_entrances"] = True
        doc["entrances"] = ["Main entrance", "Side door"]
    else:
        _maybe(draw, doc, "entrances", st.just(["Main entrance"]))
    _maybe(draw, doc, "step_free", st.booleans())
    _maybe(draw, doc, "hearing_loop", st.booleans())
    if prison:
        doc["prison"] = PRISON
    _maybe(draw, doc, "availability", availability(first, last, evenings=True))
    return doc


@st.composite
def party(
    draw: st.DrawFn,
    pid: str,
    role: str,
    first: dt.date,
    last: dt.date,
    supports: str | None = None,
    custody: bool = False,
) -> Doc:
    doc: Doc = {"id": pid, "role": role}
    if supports:
        doc["supports"] = supports
        _maybe(
            draw,
            doc,
            "relationship",
            st.sampled_from(["parent_carer", "friend", "family", "professional"]),
        )
    doc["name"] = f"Person {pid}"
    _maybe(draw, doc, "email", st.just(f"{pid.lower()}@example.net"))
    _maybe(draw, doc, "home", locations())
    _maybe(draw, doc, "age", st.integers(12, 80))
    doc["consent"] = (
        draw(st.sampled_from([True, True, True, False])) if role == "supporter" else True
    )
    if custody:
        doc["in_custody"] = PRISON
    _maybe(
        draw,
        doc,
        "needs",
        st.fixed_dictionaries(
            {},
            optional={
                "step_free": st.booleans(),
                "hearing_loop": st.booleans(),
                "language": st.sampled_from(["en", "pa"]),
            },
        ),
    )
    _maybe(
        draw,
        doc,
        "facilitator_gender",
        st.fixed_dictionaries(
            {"value": st.sampled_from(["female", "male"])}, optional={"required": st.booleans()}
        ),
    )
    _maybe(draw, doc, "max_travel_km", st.sampled_from([10, 15.0, 25]))
    if role == "offender" and draw(st.integers(0, 4)) == 0:
        doc["exclusion_zones"] = [{"center": draw(locations(600)), "radius_km": 0.5}]
    _maybe(draw, doc, "availability", availability(first, last))
    return doc


@st.composite
def case(
    draw: st.DrawFn,
    n: int,
    first_pid: int,
    first: dt.date,
    last: dt.date,
    facilitator_ids: list[str],
    has_prison: bool,
) -> Doc:
    doc: Doc = {
        "id": f"C{n}",
        "reference": f"RJ-2027-{n:04d}",
        "offence": draw(st.sampled_from(OFFENCES)),
        "risk": draw(st.sampled_from(["low", "low", "medium", "high"])),
    }
    _maybe(draw, doc, "referred_on", st.just(str(first - dt.timedelta(days=30))))
    _maybe(draw, doc, "priority", st.integers(1, 5))
    span = (last - first).days
    if draw(st.booleans()):
        a, b = sorted(draw(st.lists(st.integers(0, span), min_size=2, max_size=2)))
        doc["earliest"] = str(first + dt.timedelta(days=a))
        doc["latest"] = str(first + dt.timedelta(days=b))
    doc["duration_minutes"] = draw(st.sampled_from([60, 90, 120, 150]))
    _maybe(draw, doc, "facilitators_required", st.sampled_from([1, 2]))
    _maybe(draw, doc, "victim_initiated", st.booleans())
    _maybe(draw, doc, "protect_victim_locality", st.booleans())
    _maybe(draw, doc, "requires_separate_entrances", st.booleans())
    _maybe(draw, doc, "first_to_arrive", st.sampled_from(["offender", "victim"]))
    _maybe(
        draw,
        doc,
        "preferred_facilitators",
        st.lists(st.sampled_from(facilitator_ids), unique=True, max_size=2),
    )
    victim, offender = f"P{first_pid}", f"P{first_pid + 1}"
    custody = has_prison and draw(st.integers(0, 3)) == 0
    parties = [
        draw(party(victim, "victim", first, last)),
        draw(party(offender, "offender", first, last, custody=custody)),
    ]
    for k in range(draw(st.integers(0, 2))):
        supported = draw(st.sampled_from([victim, offender]))
        parties.append(
            draw(party(f"P{first_pid + 2 + k}", "supporter", first, last, supports=supported))
        )
    doc["parties"] = parties
    return doc


@st.composite
def problems(draw: st.DrawFn) -> Doc:
    """A small valid problem document (a plain dict, as read from JSON)."""
    first = draw(st.sampled_from(START_DATES))
    last = first + dt.timedelta(days=7 * draw(st.integers(1, 3)) - 1)
    doc: Doc = {"format": "rj-problem/1", "name": f"generated-{first}"}
    _maybe(draw, doc, "timezone", st.just("Europe/London"))
    doc["horizon"] = {"start": str(first), "end": str(last)}
    _maybe(draw, doc, "slot_minutes", st.sampled_from([15, 30]))
    _maybe(draw, doc, "policy", policies())
    n_fac = draw(st.integers(2, 6))
    doc["facilitators"] = [draw(facilitator(i + 1, first, last)) for i in range(n_fac)]
    n_venues = draw(st.integers(1, 3))
    has_prison = n_venues > 1 and draw(st.booleans())
    doc["venues"] = [
        draw(venue(i + 1, first, last, prison=has_prison and i == n_venues - 1))
        for i in range(n_venues)
    ]
    cases, pid = [], 1
    fids = [f["id"] for f in doc["facilitators"]]
    for i in range(draw(st.integers(1, 5))):
        c = draw(case(i + 1, pid, first, last, fids, has_prison))
        pid += len(c["parties"])
        cases.append(c)
    doc["cases"] = cases
    if len(cases) >= 2 and draw(st.booleans()):
        doc["keep_apart"] = [[cases[0]["parties"][0]["id"], cases[1]["parties"][1]["id"]]]
    _maybe(draw, doc, "existing", st.just([]))
    return doc


@st.composite
def problems_with_sessions(draw: st.DrawFn) -> dict:
    """A generated valid problem with valid sessions added to some cases."""
    doc = draw(problems())
    n = 0
    for c in doc["cases"]:
        principals = [p["id"] for p in c["parties"] if p["role"] != "supporter"]
        count = draw(st.integers(0, 3))
        made: list[str] = []
        for _ in range(count):
            n += 1
            s: dict = {
                "id": f"S{n}",
                "party": draw(st.sampled_from(principals)),
                "duration_minutes": draw(st.integers(1, 240)),
            }
            if draw(st.booleans()):
                s["modes"] = draw(
                    st.lists(st.sampled_from(["venue", "home", "video"]), min_size=1, unique=True)
                )
            if draw(st.booleans()):
                s["team"] = draw(st.booleans())
            if made and draw(st.booleans()):
                s["after"] = made[-1]  # a chain, never a cycle
            made.append(s["id"])
            c.setdefault("sessions", []).append(s)
        if made and draw(st.booleans()):
            c["conference"] = draw(st.booleans())
    return doc
