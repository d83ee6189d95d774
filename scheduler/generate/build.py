"""Assemble a complete `rj-problem/1` document."""

from __future__ import annotations

import datetime as dt

from .cases import make_cases
from .context import Ctx
from .geography import dist, scope_for
from .staff import facilitators, limit_travel, venues

# size: (open cases, facilitators, venues)
SIZES: dict[str, tuple[int, int, int]] = {
    "small": (12, 8, 4),
    "area": (60, 110, 25),
    "region": (250, 400, 90),
    "national": (1200, 2000, 450),
}
# The scarce tier (issue 9): the same cases with far fewer facilitators and venues,
# every facilitator at most 2 conferences a week, at most 2 rooms per venue and half
# the cases with a deadline inside the horizon. Region is the issue's own problem
# (250 cases, 140 facilitators, 50 venues); the other sizes keep its ratios.
SCARCE_SIZES: dict[str, tuple[int, int, int]] = {
    "small": (12, 7, 3),
    "area": (60, 34, 12),
    "region": (250, 140, 50),
    "national": (1200, 672, 240),
}
SCARCE_MAX_PER_WEEK = 2
SCARCE_MAX_ROOMS = 2
SCARCE_DUE_DAYS = (10, 24)  # a due case's latest date, in days after the horizon starts
DEFAULT_START = dt.date(
    2027, 3, 1
)  # a Monday; the horizon crosses the clocks going forward on 28 March
POLICY = {
    "settle_minutes": 15,
    "stagger_minutes": 15,
    "facilitator_before_minutes": 45,
    "facilitator_after_minutes": 30,
    "min_victim_home_distance_km": 3.0,
    "travel_speed_kmh": 30.0,
}


def generate_problem(
    size: str,
    seed: int,
    tight: bool = False,
    start: dt.date | None = None,
    *,
    scarce: bool = False,
    journeys: bool = False,
) -> dict:
    """A seeded synthetic problem document; the same arguments always give the same dict.

    `tight` cuts facilitators' and venues' hours; `scarce` (the issue-9 tier) keeps
    normal hours but has fewer facilitators and venues (`SCARCE_SIZES`), at most 2
    conferences a week each, at most 2 rooms per venue and half the cases due before
    the horizon ends. With `journeys`, cases get preparation sessions
    (`journeys.add_journeys`).
    """
    doc = _generate_problem(size, seed, tight, start, scarce)
    if journeys:
        from .journeys import add_journeys

        doc = add_journeys(doc, seed)
    return doc


def _generate_problem(
    size: str, seed: int, tight: bool, start: dt.date | None, scarce: bool
) -> dict:
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: expected one of {', '.join(SIZES)}")
    start = start or DEFAULT_START
    n_cases, n_fac, n_ven = (SCARCE_SIZES if scarce else SIZES)[size]
    ctx = Ctx.create(seed, tight, start, scope_for(size))
    fac = facilitators(ctx, n_fac)
    ven = venues(ctx, n_ven)
    if scarce:
        _scarce_people_and_rooms(fac, ven)
    limit_travel(ctx, fac, ven)
    cases = make_cases(ctx, n_cases, fac, ven)
    if scarce:
        _half_with_deadlines(ctx, cases)
    _conflicts(ctx, fac, cases)
    name = (
        f"{size}-{ctx.scope.slug}-s{seed}"
        + ("-tight" if tight else "")
        + ("-scarce" if scarce else "")
    )
    return {
        "format": "rj-problem/1",
        "name": name,
        "timezone": "Europe/London",
        "horizon": {"start": start.isoformat(), "end": ctx.end.isoformat()},
        "slot_minutes": 15,
        "policy": dict(POLICY),
        "facilitators": fac,
        "venues": ven,
        "cases": cases,
        "keep_apart": _keep_apart(ctx, cases),
        "existing": [],
    }


def _scarce_people_and_rooms(fac: list[dict], ven: list[dict]) -> None:
    """At most 2 conferences a week per facilitator, at most 2 rooms per venue."""
    for f in fac:
        f["max_meetings_per_week"] = min(f["max_meetings_per_week"], SCARCE_MAX_PER_WEEK)
    for v in ven:
        if len(v["rooms"]) > SCARCE_MAX_ROOMS:
            kept = v["rooms"][:SCARCE_MAX_ROOMS]
            if all(r["capacity"] < 8 for r in kept):  # keep a room big enough for a conference
                kept[0] = max(v["rooms"], key=lambda r: r["capacity"])
            v["rooms"] = kept


def _half_with_deadlines(ctx: Ctx, cases: list[dict]) -> None:
    """Exactly half the cases (rounded up) due in the horizon's first weeks
    (`SCARCE_DUE_DAYS`), the others open to its end; every window stays at least 10
    days long (or starts with the horizon)."""
    rng = ctx.rngs["deadlines"]
    order = list(range(len(cases)))
    rng.shuffle(order)
    due = set(order[: (len(cases) + 1) // 2])
    for i, c in enumerate(cases):
        if i not in due:
            c["latest"] = ctx.end.isoformat()
            continue
        earliest = dt.date.fromisoformat(c["earliest"])
        latest = dt.date.fromisoformat(c["latest"])
        lo, hi = SCARCE_DUE_DAYS
        latest = min(latest, ctx.start + dt.timedelta(days=rng.randint(lo, hi)))
        earliest = max(ctx.start, min(earliest, latest - dt.timedelta(days=10)))
        c["earliest"] = earliest.isoformat()
        c["latest"] = latest.isoformat()


def _centre(ctx: Ctx, cid: str) -> dict:
    t = ctx.case_place[cid].town
    return {"lat": t.lat, "lon": t.lon}


def _keep_apart(ctx: Ctx, cases: list[dict]) -> list[list[str]]:
    """About one pair per 20 cases, between parties of two nearby cases."""
    rng = ctx.rngs["links"]
    pairs: set[tuple[str, str]] = set()
    target = max(1, len(cases) // 20)
    for _ in range(target * 5):
        if len(pairs) >= target:
            break
        a = rng.choice(cases)
        ca = _centre(ctx, a["id"])
        region = ctx.case_place[a["id"]].region
        near = [
            c
            for c in cases
            if c is not a
            and ctx.case_place[c["id"]].region == region
            and dist(ca, _centre(ctx, c["id"])) <= 15
        ]
        if not near:
            continue
        b = rng.choice(near)
        pa = rng.choice([p for p in a["parties"] if p["role"] != "supporter"])
        pb = rng.choice([p for p in b["parties"] if p["role"] == "offender"])
        pairs.add(tuple(sorted((pa["id"], pb["id"]), key=lambda s: int(s[1:]))))
    return [list(p) for p in sorted(pairs, key=lambda p: int(p[0][1:]))]


def _conflicts(ctx: Ctx, fac: list[dict], cases: list[dict]) -> None:
    """A few declared conflicts of interest with a party of a case nearby."""
    rng = ctx.rngs["links"]
    for f in fac:
        if rng.random() >= 0.03:
            continue
        region = ctx.fac_place[f["id"]].region
        near = [
            c
            for c in cases
            if ctx.case_place[c["id"]].region == region
            and dist(f["home"], _centre(ctx, c["id"])) <= 20
        ]
        if near:
            f["conflicts"] = [rng.choice(rng.choice(near)["parties"])["id"]]
