"""Facilitators (staff and volunteers) and venues."""

from __future__ import annotations

import math
import random
from typing import Any

from . import availability as av
from .context import Ctx
from .geography import (
    ENTRANCES,
    Place,
    address,
    dist,
    locality,
    offset,
    pick_place,
    scatter,
    venue_name,
)
from .people import email, make_person

LEVEL_SHARES = (("foundation", 0.35), ("intermediate", 0.40), ("advanced", 0.25))
SKILL_ODDS = {  # probability by level: foundation, intermediate, advanced
    "sensitive_complex": (0.10, 0.40, 0.92),
    "domestic_abuse": (0.05, 0.22, 0.55),
    "sexual_harm": (0.02, 0.08, 0.35),
    "hate_crime": (0.10, 0.18, 0.25),
    "youth": (0.25, 0.32, 0.32),
}


def _quota(rng: random.Random, n: int, shares: tuple[tuple[str, float], ...]) -> list[str]:
    """Exactly-proportioned labels (largest remainder), shuffled."""
    counts = {k: math.floor(n * s) for k, s in shares}
    rest = sorted(shares, key=lambda ks: n * ks[1] - counts[ks[0]], reverse=True)
    for k, _ in rest[: n - sum(counts.values())]:
        counts[k] += 1
    labels = [k for k, _ in shares for _ in range(counts[k])]
    rng.shuffle(labels)
    return labels


def facilitators(ctx: Ctx, n: int) -> list[dict]:
    """n facilitators scattered over the scope by population."""
    rng = ctx.rngs["facilitators"]
    out = []
    for i, level in enumerate(_quota(rng, n, LEVEL_SHARES), start=1):
        fid = f"F{i}"
        place = pick_place(rng, ctx.scope.places)
        person = make_person(
            rng, place.region, place.diversity, gender="female" if rng.random() < 0.66 else "male"
        )
        li = ("foundation", "intermediate", "advanced").index(level)
        staff = rng.random() < (0.40, 0.55, 0.80)[li]
        skills = [s for s, odds in SKILL_ODDS.items() if rng.random() < odds[li]]
        if rng.random() < (0.30 if staff else 0.08):
            skills.append("prison")
        languages = ["en"]
        if person.language != "en" and rng.random() < 0.7:
            languages.append(person.language)
        travel = rng.randint(20, 45) if staff else rng.randint(10, 30)
        ctx.fac_place[fid] = place
        out.append(
            {
                "id": fid,
                "name": person.name,
                "email": email(person, fid, "example.org"),
                "home": scatter(rng, place, 1.2),
                "level": level,
                "skills": skills,
                "languages": languages,
                "gender": person.gender,
                "max_meetings_per_day": 1,
                "max_meetings_per_week": 1,
                "availability": {},
                "max_travel_km": travel,
                "_staff": staff,
            }
        )
    trng = ctx.rngs["facilitator_time"]
    for f in out:
        _facilitator_time(ctx, trng, f, bool(f.pop("_staff")))
    return out


def _facilitator_time(ctx: Ctx, rng: random.Random, f: dict, staff: bool) -> None:
    """Working pattern: staff weekday daytime, volunteers evenings and Saturdays."""
    tight = ctx.tight
    weekly: list[dict] = []
    unavailable: list[dict] = []
    avail: dict = {}
    if staff:
        begin = rng.choice((510, 540, 570))
        n_days = (
            (5 if rng.random() < 0.6 else rng.randint(3, 4)) if not tight else rng.randint(1, 2)
        )
        days = list(av.WEEKDAYS) if n_days == 5 else av.pick_days(rng, av.WEEKDAYS, n_days)
        weekly.append(
            av.weekly(days, begin if not tight else 570, begin + 480 if not tight else 930)
        )
        if not tight and rng.random() < 0.3:
            weekly.append(av.weekly([rng.choice(days)], 720, 1230))
        f["max_meetings_per_day"] = 2 if (not tight and rng.random() < 0.1) else 1
        f["max_meetings_per_week"] = (
            rng.choice((2, 3, 3, 4)) if not tight else rng.choice((1, 1, 2))
        )
        unavailable += av.holiday_blocks(ctx.holidays, ctx.end)
        if rng.random() < (0.4 if not tight else 0.55):
            unavailable.append(
                av.absence(rng, ctx.start, ctx.end, *((1, 10) if not tight else (10, 20)))
            )
    else:
        if rng.random() < 0.35 and not tight:  # retired daytime volunteer
            weekly.append(av.weekly(av.pick_days(rng, av.WEEKDAYS, rng.randint(2, 3)), 600, 960))
        else:
            n_eve = rng.randint(1, 3) if not tight else rng.choice((0, 1))
            if n_eve:
                weekly.append(
                    av.weekly(
                        av.pick_days(rng, av.WEEKDAYS, n_eve), 1050 if not tight else 1080, 1290
                    )
                )
            if rng.random() < (0.55 if not tight else 0.5) or not n_eve:
                weekly.append(av.weekly(["sat"], *((570, 990) if not tight else (600, 900))))
            if not tight and rng.random() < 0.15:
                weekly.append(av.weekly(["sun"], 600, 960))
        if not tight and rng.random() < 0.15:
            avail["dates"] = av.one_off_dates(rng, ctx.start, ctx.end, rng.randint(1, 3))
        f["max_meetings_per_week"] = 1 if (tight or rng.random() < 0.75) else 2
        if rng.random() < (0.25 if not tight else 0.45):
            unavailable.append(
                av.absence(rng, ctx.start, ctx.end, *((5, 14) if not tight else (10, 21)))
            )
    avail = {"weekly": weekly, **avail}
    if unavailable:
        avail["unavailable"] = unavailable
    f["availability"] = avail


VENUE_KINDS = (("community", 0.40), ("police", 0.22), ("probation", 0.18), ("office", 0.20))
CAPACITIES = (4, 6, 6, 8, 8, 10, 12, 14)


def venues(ctx: Ctx, n: int) -> list[dict]:
    """Prison visit suites of the scope, then n minus those neutral venues spread by population."""
    rng = ctx.rngs["venues"]
    out: list[dict] = []
    prisons = list(ctx.scope.prisons)
    if len(prisons) > max(1, n // 8):
        keep = set(rng.sample(range(len(prisons)), max(1, n // 8)))
        prisons = [p for i, p in enumerate(prisons) if i in keep]
    for prison, force in prisons:
        place = min(
            (p for p in ctx.scope.places if p.force == force),
            key=lambda p: (p.town.lat - prison.lat) ** 2 + (p.town.lon - prison.lon) ** 2,
        )
        vid = f"V{len(out) + 1}"
        ctx.venue_place[vid] = place
        sep = rng.random() < 0.7
        out.append(
            {
                "id": vid,
                "name": f"HMP {prison.name} (RJ visits suite)",
                "kind": "prison",
                "address": address(rng, place, None),
                "location": {"lat": prison.lat, "lon": prison.lon},
                **_rooms(rng, rng.randint(1, 2)),
                "separate_entrances": sep,
                "entrances": ["Visitors' centre", "Gate lodge"] if sep else ["Visitors' centre"],
                "step_free": rng.random() < 0.85,
                "hearing_loop": rng.random() < 0.6,
                "prison": "HMP-" + prison.name.replace(" ", "-"),
            }
        )
    ranked = sorted(ctx.scope.places, key=lambda p: -p.town.weight)
    while len(out) < n:
        k = len(out) - len(prisons)
        place = ranked[k] if k < len(ranked) else pick_place(rng, ctx.scope.places)
        kind = rng.choices([k_ for k_, _ in VENUE_KINDS], [w for _, w in VENUE_KINDS])[0]
        area = locality(rng, place)
        vid = f"V{len(out) + 1}"
        ctx.venue_place[vid] = place
        sep = rng.random() < 0.4
        venue = {
            "id": vid,
            "name": venue_name(rng, kind, place, area),
            "kind": kind,
            "address": address(rng, place, area),
            "location": scatter(rng, place, 0.8),
            **_rooms(rng, rng.choice((1, 2, 2, 3))),
            "separate_entrances": sep,
            "entrances": rng.sample(ENTRANCES, rng.randint(2, 3))
            if sep
            else [rng.choice(ENTRANCES[:2])],
            "step_free": rng.random() < 0.8,
            "hearing_loop": rng.random() < 0.6,
        }
        if not sep and rng.random() < 0.3:
            del venue["entrances"]
        out.append(venue)
    trng = ctx.rngs["venue_time"]
    for v in out:
        _venue_time(ctx, trng, v)
    return out


def _rooms(rng: random.Random, n_rooms: int) -> dict:
    rooms: list[dict[str, Any]] = [
        {"id": f"R{i}", "capacity": rng.choice(CAPACITIES)} for i in range(1, n_rooms + 1)
    ]
    if all(r["capacity"] < 8 for r in rooms):
        rooms[0]["capacity"] = rng.choice((8, 10, 12))
    return {"rooms": rooms, "waiting_rooms": [f"W{i}" for i in range(1, rng.randint(2, 4) + 1)]}


def _venue_time(ctx: Ctx, rng: random.Random, v: dict) -> None:
    """Opening hours by kind; tight venues open fewer days with fewer rooms."""
    kind, tight, wd = v["kind"], ctx.tight, av.WEEKDAYS
    if kind == "prison":
        days = list(wd) if not tight else av.pick_days(rng, wd, 2)
        weekly = (
            [av.weekly(days, 525, 765), av.weekly(days, 825, 1065)]
            if not tight
            else [av.weekly(days, 810, 1050)]
        )
    elif kind == "community":
        weekly = (
            [av.weekly(wd, 540, 1290), av.weekly(["sat"], 540, 1020)]
            if not tight
            else [av.weekly(av.pick_days(rng, wd, 3), 600, 960)]
        )
        if tight and rng.random() < 0.4:
            weekly.append(av.weekly([rng.choice(wd)], 1050, 1260))
    elif kind == "police":
        weekly = (
            [av.weekly(av.DAYS, 480, 1320)]
            if not tight
            else [av.weekly(wd, 540, 1020), av.weekly([rng.choice(wd)], 540, 1260)]
        )
    elif kind == "probation":
        weekly = (
            [av.weekly(wd, 510, 1050), av.weekly(["tue", "thu"], 510, 1200)]
            if not tight
            else [av.weekly(av.pick_days(rng, wd, 3), 540, 990)]
        )
    else:
        weekly = (
            [av.weekly(wd, 540, 1020)]
            if not tight
            else [av.weekly(av.pick_days(rng, wd, 2), 570, 960)]
        )
    avail: dict = {"weekly": weekly}
    closed = av.holiday_blocks(ctx.holidays, ctx.end) if kind != "police" else []
    if rng.random() < (0.15 if not tight else 0.3):
        closed.append(av.absence(rng, ctx.start, ctx.end, 1, 2 if not tight else 5))
    if closed:
        avail["unavailable"] = closed
    v["availability"] = avail
    if tight and len(v["rooms"]) > 1:
        v["rooms"] = v["rooms"][: 1 if rng.random() < 0.7 else 2]
        if v["rooms"][0]["capacity"] < 8:
            v["rooms"][0]["capacity"] = 8


def limit_travel(ctx: Ctx, fac: list[dict], ven: list[dict]) -> None:
    """Keep each facilitator's reach inside their own region (services are commissioned
    regionally), moving the odd border-straddling home next to one of the region's venues."""
    own_of: dict[str, list[dict]] = {}
    border_of: dict[str, list[dict]] = {}
    for region in {p.region for p in ctx.scope.places}:
        towns = [p.town for p in ctx.scope.places if p.region == region]
        own_of[region] = [
            v for v in ven if v["kind"] != "prison" and ctx.venue_place[v["id"]].region == region
        ]
        # Homes lie within 15 km of a town and reach at most 45 km: farther venues never matter.
        border_of[region] = [
            v["location"]
            for v in ven
            if ctx.venue_place[v["id"]].region != region
            and any(dist(v["location"], {"lat": t.lat, "lon": t.lon}) < 75 for t in towns)
        ]
    for k, f in enumerate(fac):
        place = ctx.fac_place[f["id"]]
        own, other = own_of[place.region], border_of[place.region]
        nearest = min(own, key=lambda v: dist(f["home"], v["location"]))
        gap = min((dist(f["home"], loc) for loc in other), default=math.inf)
        if dist(f["home"], nearest["location"]) + 3 > gap:
            homes = [
                offset(nearest["location"]["lat"], nearest["location"]["lon"], 1.0, k * 2.4),
                offset(place.town.lat, place.town.lon, 1.0, k * 2.4),
            ]
            f["home"] = max(homes, key=lambda h: min(dist(h, loc) for loc in other))
            gap = min(dist(f["home"], loc) for loc in other)
            nearest = min(own, key=lambda v: dist(f["home"], v["location"]))
        limit = max(f["max_travel_km"], math.ceil(dist(f["home"], nearest["location"])) + 1)
        if gap < math.inf:
            limit = min(limit, math.floor(gap) - 1)
        f["max_travel_km"] = max(limit, 3)


__all__ = ["facilitators", "venues", "limit_travel", "Place"]
