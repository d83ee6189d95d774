"""The seeded synthetic problem generator: determinism, sizes, realism and every format rule."""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import time
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from scheduler.formats import load_problem
from scheduler.generate import DEFAULT_START, SIZES, generate_problem

TOP = {
    "format",
    "name",
    "timezone",
    "horizon",
    "slot_minutes",
    "policy",
    "facilitators",
    "venues",
    "cases",
    "keep_apart",
    "existing",
}
POLICY = {
    "settle_minutes",
    "stagger_minutes",
    "facilitator_before_minutes",
    "facilitator_after_minutes",
    "min_victim_home_distance_km",
    "travel_speed_kmh",
    "weights",
}
FACILITATOR = {
    "id",
    "name",
    "email",
    "home",
    "level",
    "skills",
    "languages",
    "gender",
    "max_meetings_per_day",
    "max_meetings_per_week",
    "max_travel_km",
    "availability",
    "conflicts",
}
VENUE = {
    "id",
    "name",
    "kind",
    "address",
    "location",
    "rooms",
    "waiting_rooms",
    "separate_entrances",
    "entrances",
    "step_free",
    "hearing_loop",
    "prison",
    "availability",
}
CASE = {
    "id",
    "reference",
    "offence",
    "risk",
    "referred_on",
    "priority",
    "earliest",
    "latest",
    "duration_minutes",
    "facilitators_required",
    "victim_initiated",
    "protect_victim_locality",
    "requires_separate_entrances",
    "first_to_arrive",
    "preferred_facilitators",
    "parties",
}
PARTY = {
    "id",
    "role",
    "supports",
    "relationship",
    "name",
    "email",
    "home",
    "age",
    "consent",
    "in_custody",
    "needs",
    "facilitator_gender",
    "max_travel_km",
    "exclusion_zones",
    "availability",
}
SKILLS = {"sensitive_complex", "domestic_abuse", "sexual_harm", "hate_crime", "youth", "prison"}
OFFENCES = {
    "burglary",
    "theft",
    "criminal_damage",
    "assault",
    "robbery",
    "public_order",
    "domestic_abuse",
    "sexual_harm",
    "hate_crime",
    "stalking",
    "other",
}
SENSITIVE = {"domestic_abuse", "sexual_harm", "hate_crime", "stalking"}
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
CLOCK_RE = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")
LONDON = ZoneInfo("Europe/London")


def km(a: dict, b: dict) -> float:
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dp, dl = p2 - p1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@functools.cache
def clear(local: dt.datetime) -> bool:
    """The local time exists and occurs once."""
    a, b = local.replace(tzinfo=LONDON, fold=0), local.replace(tzinfo=LONDON, fold=1)
    back = a.astimezone(dt.UTC).astimezone(LONDON).replace(tzinfo=None)
    return a.utcoffset() == b.utcoffset() and back == local


def minutes(clock: str) -> int:
    h, m = clock.split(":")
    return int(h) * 60 + int(m)


def check_availability(
    where: str, av: dict, first: dt.date, last: dt.date, errors: list[str]
) -> None:
    """Format, order, horizon and clock-change rules for one availability object."""
    if set(av) - {"weekly", "dates", "unavailable"}:
        errors.append(f"{where}: unknown availability keys {set(av)}")
    lo, hi = (
        dt.datetime.combine(first, dt.time()),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time()),
    )
    for w in av.get("weekly", []):
        if set(w) != {"days", "from", "to"} or not w["days"] or set(w["days"]) - set(DAYS):
            errors.append(f"{where}: bad weekly {w}")
            continue
        if not (CLOCK_RE.match(w["from"]) and CLOCK_RE.match(w["to"])) or w["from"] == "24:00":
            errors.append(f"{where}: bad clock in {w}")
            continue
        if minutes(w["from"]) >= minutes(w["to"]):
            errors.append(f"{where}: weekly from is not before to {w}")
        if minutes(w["from"]) < 180:
            errors.append(f"{where}: weekly window {w} is not daytime")
        for day in (first + dt.timedelta(days=i) for i in range((last - first).days + 1)):
            if DAYS[day.weekday()] in w["days"]:
                for clock in (w["from"], w["to"]):
                    t = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes(clock))
                    if not clear(t):
                        errors.append(f"{where}: weekly edge {t} is in the clock change")
    for kind in ("dates", "unavailable"):
        for w in av.get(kind, []):
            if set(w) != {"start", "end"} or not (
                STAMP_RE.match(w["start"]) and STAMP_RE.match(w["end"])
            ):
                errors.append(f"{where}: bad {kind} window {w}")
                continue
            a, b = dt.datetime.fromisoformat(w["start"]), dt.datetime.fromisoformat(w["end"])
            if not a < b:
                errors.append(f"{where}: empty {kind} window {w}")
            if a < lo or b > hi:
                errors.append(f"{where}: {kind} window {w} outside the horizon")
            if not (clear(a) and clear(b)):
                errors.append(f"{where}: {kind} edge in the clock change {w}")
            if kind == "dates" and (a.date() != b.date() or a.hour < 3):
                errors.append(f"{where}: dates window {w} is not a daytime window")


def check_document(doc: dict) -> list[str]:
    """Every rule of format.md that a problem document must satisfy, checked on the raw dict."""
    errors: list[str] = []
    if set(doc) != TOP:
        errors.append(f"top-level keys {set(doc) ^ TOP}")
    if (
        doc["format"] != "rj-problem/1"
        or doc["timezone"] != "Europe/London"
        or doc["slot_minutes"] != 15
    ):
        errors.append("format, timezone or slot_minutes")
    first = dt.date.fromisoformat(doc["horizon"]["start"])
    last = dt.date.fromisoformat(doc["horizon"]["end"])
    if set(doc["horizon"]) != {"start", "end"} or not first <= last:
        errors.append("horizon")
    pol = doc["policy"]
    if set(pol) - POLICY:
        errors.append(f"policy keys {set(pol) - POLICY}")
    if pol["facilitator_before_minutes"] < pol["settle_minutes"] + pol["stagger_minutes"]:
        errors.append("facilitator_before_minutes < settle + stagger")
    if pol["facilitator_after_minutes"] < pol["stagger_minutes"]:
        errors.append("facilitator_after_minutes < stagger")

    fac_ids = [f["id"] for f in doc["facilitators"]]
    venue_ids = [v["id"] for v in doc["venues"]]
    case_ids = [c["id"] for c in doc["cases"]]
    parties = {p["id"]: (c, p) for c in doc["cases"] for p in c["parties"]}
    party_count = sum(len(c["parties"]) for c in doc["cases"])
    for kind, ids in (("facilitator", fac_ids), ("venue", venue_ids), ("case", case_ids)):
        if len(ids) != len(set(ids)) or not all(ids):
            errors.append(f"{kind} ids not unique")
    if len(parties) != party_count:
        errors.append("party ids not unique across cases")
    for f in doc["facilitators"]:
        where = f"facilitator {f['id']}"
        if set(f) - FACILITATOR or {"id", "home"} - set(f):
            errors.append(f"{where}: keys {set(f) - FACILITATOR}")
        if (
            f["level"] not in ("foundation", "intermediate", "advanced")
            or set(f["skills"]) - SKILLS
        ):
            errors.append(f"{where}: level or skills")
        if not f["email"].endswith("@example.org") or "en" not in f["languages"]:
            errors.append(f"{where}: email or languages")
        if (
            not (1 <= f["max_meetings_per_day"] <= f["max_meetings_per_week"])
            or f["max_travel_km"] <= 0
        ):
            errors.append(f"{where}: caps or travel")
        for pid in f.get("conflicts", []):
            if pid not in parties:
                errors.append(f"{where}: conflict with unknown party {pid}")
        check_availability(where, f.get("availability", {}), first, last, errors)
    prisons = set()
    for v in doc["venues"]:
        where = f"venue {v['id']}"
        if set(v) - VENUE:
            errors.append(f"{where}: keys {set(v) - VENUE}")
        if v["kind"] not in ("community", "police", "probation", "office", "prison"):
            errors.append(f"{where}: kind")
        if ("prison" in v) != (v["kind"] == "prison"):
            errors.append(f"{where}: prison set on a non-prison venue or missing")
        if v["kind"] == "prison":
            prisons.add(v["prison"])
        rooms = [r["id"] for r in v["rooms"]]
        if (
            not rooms
            or len(set(rooms)) != len(rooms)
            or len(set(v["waiting_rooms"])) != len(v["waiting_rooms"])
        ):
            errors.append(f"{where}: rooms")
        if not all(set(r) == {"id", "capacity"} and 4 <= r["capacity"] <= 14 for r in v["rooms"]):
            errors.append(f"{where}: room capacity")
        if not 2 <= len(v["waiting_rooms"]) <= 4:
            errors.append(f"{where}: waiting rooms")
        if v["separate_entrances"] and len(set(v.get("entrances", []))) < 2:
            errors.append(f"{where}: separate entrances need two named entrances")
        check_availability(where, v.get("availability", {}), first, last, errors)
    for c in doc["cases"]:
        where = f"case {c['id']}"
        if set(c) - CASE:
            errors.append(f"{where}: keys {set(c) - CASE}")
        if c["offence"] not in OFFENCES or c["risk"] not in ("low", "medium", "high"):
            errors.append(f"{where}: offence or risk")
        if c["priority"] not in range(1, 6) or c["facilitators_required"] not in (1, 2):
            errors.append(f"{where}: priority or facilitators_required")
        if c["duration_minutes"] not in range(90, 181, 15):
            errors.append(f"{where}: duration")
        if c.get("first_to_arrive", "offender") not in ("offender", "victim"):
            errors.append(f"{where}: first_to_arrive")
        dates = [c["referred_on"], c["earliest"], c["latest"]]
        if not all(DATE_RE.match(d) for d in dates):
            errors.append(f"{where}: date format")
        referred, earliest, latest = (dt.date.fromisoformat(d) for d in dates)
        if not (referred < first <= earliest <= latest <= last):
            errors.append(f"{where}: referred_on/earliest/latest outside the rules")
        if set(c["preferred_facilitators"]) - set(fac_ids):
            errors.append(f"{where}: unknown preferred facilitator")
        roles = Counter(p["role"] for p in c["parties"])
        if not roles["victim"] or not roles["offender"]:
            errors.append(f"{where}: needs a victim and an offender")
        mine = {p["id"]: p for p in c["parties"]}
        for p in c["parties"]:
            pw = f"{where} party {p['id']}"
            if set(p) - PARTY or p["role"] not in ("victim", "offender", "supporter"):
                errors.append(f"{pw}: keys or role")
            if not p["email"].endswith("@example.net"):
                errors.append(f"{pw}: email")
            if p["role"] == "supporter":
                target = mine.get(p.get("supports", ""))
                if target is None or target["role"] == "supporter":
                    errors.append(f"{pw}: supports must name a victim or offender of the same case")
                if p.get("relationship") not in (
                    "parent_carer",
                    "friend",
                    "family",
                    "professional",
                ):
                    errors.append(f"{pw}: relationship")
            elif "supports" in p or "relationship" in p:
                errors.append(f"{pw}: supports/relationship only on supporters")
            if "exclusion_zones" in p and p["role"] != "offender":
                errors.append(f"{pw}: exclusion zones only on offenders")
            for z in p.get("exclusion_zones", []):
                if set(z) != {"center", "radius_km"} or not 1 <= z["radius_km"] <= 5:
                    errors.append(f"{pw}: zone {z}")
            if "in_custody" in p and p["in_custody"] not in prisons:
                errors.append(f"{pw}: in_custody names no prison venue")
            if "consent" in p and not isinstance(p["consent"], bool):
                errors.append(f"{pw}: consent")
            if set(p["needs"]) - {"step_free", "hearing_loop", "language"}:
                errors.append(f"{pw}: needs")
            fg = p.get("facilitator_gender")
            if fg is not None and (
                set(fg) != {"value", "required"} or not isinstance(fg["required"], bool)
            ):
                errors.append(f"{pw}: facilitator_gender")
            if "home" not in p and "in_custody" not in p:
                errors.append(f"{pw}: home missing outside custody")
            check_availability(pw, p.get("availability", {}), first, last, errors)
    for pair in doc["keep_apart"]:
        if len(pair) != 2 or pair[0] == pair[1] or not all(pid in parties for pid in pair):
            errors.append(f"keep_apart {pair}: unknown or repeated party")
        elif parties[pair[0]][0] is parties[pair[1]][0]:
            errors.append(f"keep_apart {pair}: both parties in one case")
    if doc["existing"] != []:
        errors.append("existing must be empty")
    return errors


def available_minutes(av: dict, first: dt.date, last: dt.date) -> int:
    """Weekly pattern over the horizon plus dates, minus whole unavailable days (approximate)."""
    off = set()
    for w in av.get("unavailable", []):
        a, b = dt.date.fromisoformat(w["start"][:10]), dt.date.fromisoformat(w["end"][:10])
        off |= {a + dt.timedelta(days=i) for i in range((b - a).days)}
    total = 0
    for day in (first + dt.timedelta(days=i) for i in range((last - first).days + 1)):
        if day in off:
            continue
        total += sum(
            minutes(w["to"]) - minutes(w["from"])
            for w in av.get("weekly", [])
            if DAYS[day.weekday()] in w["days"]
        )
    return total + sum(
        (dt.datetime.fromisoformat(w["end"]) - dt.datetime.fromisoformat(w["start"])).seconds // 60
        for w in av.get("dates", [])
    )


@pytest.fixture(scope="module")
def area() -> dict:
    return generate_problem("area", 11)


def test_same_seed_same_document_and_different_seed_differs() -> None:
    a, b = generate_problem("area", 5), generate_problem("area", 5)
    assert a == b
    assert json.dumps(a) == json.dumps(b)
    assert generate_problem("area", 6) != a
    assert generate_problem("area", 5, tight=True) == generate_problem("area", 5, tight=True)


def test_tight_keeps_the_same_cases_and_people(area: dict) -> None:
    tight = generate_problem("area", 11, tight=True)
    assert tight["cases"] == area["cases"]
    assert [f["id"] for f in tight["facilitators"]] == [f["id"] for f in area["facilitators"]]
    assert tight["name"].endswith("-tight")
    assert not area["name"].endswith("-tight")


@pytest.mark.parametrize("size", ["small", "area", "region"])
def test_sizes(size: str) -> None:
    doc = generate_problem(size, 3)
    n_cases, n_fac, n_ven = SIZES[size]
    assert (len(doc["cases"]), len(doc["facilitators"]), len(doc["venues"])) == (
        n_cases,
        n_fac,
        n_ven,
    )
    parties = sum(len(c["parties"]) for c in doc["cases"])
    assert 2.3 * n_cases <= parties <= 3.6 * n_cases
    assert any(v["kind"] == "prison" for v in doc["venues"])
    assert doc["horizon"] == {
        "start": DEFAULT_START.isoformat(),
        "end": (DEFAULT_START + dt.timedelta(days=41)).isoformat(),
    }
    assert 1 <= len(doc["keep_apart"]) <= max(1, n_cases // 20)


@pytest.mark.parametrize("size", ["small", "area", "region"])
@pytest.mark.parametrize("tight", [False, True])
@pytest.mark.parametrize("seed", [1, 2024])
def test_every_format_rule_holds(size: str, tight: bool, seed: int) -> None:
    assert check_document(generate_problem(size, seed, tight)) == []


def test_the_checker_catches_broken_documents() -> None:
    doc = generate_problem("small", 1)
    c1, c2 = doc["cases"][0], doc["cases"][1]
    c1["parties"][0]["exclusion_zones"] = [{"center": {"lat": 52.5, "lon": -1.9}, "radius_km": 2.0}]
    c1["parties"][0]["role"] = "victim"
    c2["parties"][1]["id"] = c1["parties"][1]["id"]
    c4 = doc["cases"][3]
    doc["keep_apart"] = [[c4["parties"][0]["id"], c4["parties"][1]["id"]]]
    doc["venues"][0]["availability"] = {
        "dates": [{"start": "2027-03-28T01:30", "end": "2027-03-28T09:00"}]
    }
    doc["facilitators"][0]["availability"] = {
        "weekly": [{"days": ["mon"], "from": "17:00", "to": "09:00"}]
    }
    doc["cases"][2]["surprise"] = True
    errors = "\n".join(check_document(doc))
    for expected in (
        "exclusion zones only on offenders",
        "party ids not unique",
        "both parties in one case",
        "clock change",
        "from is not before to",
        "keys {'surprise'}",
    ):
        assert expected in errors


def test_other_start_dates_avoid_the_autumn_clock_change_too() -> None:
    doc = generate_problem("area", 8, start=dt.date(2027, 10, 4))
    assert doc["horizon"]["start"] == "2027-10-04"
    assert check_document(doc) == []


def test_default_horizon_crosses_the_march_clock_change(area: dict) -> None:
    first = dt.date.fromisoformat(area["horizon"]["start"])
    last = dt.date.fromisoformat(area["horizon"]["end"])
    assert first.weekday() == 0
    assert (last - first).days == 41
    assert first < dt.date(2027, 3, 28) < last


def test_json_serialisable(area: dict) -> None:
    assert json.loads(json.dumps(area)) == area


@pytest.fixture(scope="module")
def national() -> tuple[dict, float]:
    t0 = time.perf_counter()
    doc = generate_problem("national", 1)
    return doc, time.perf_counter() - t0


def test_national_is_fast_and_modest(national: tuple[dict, float]) -> None:
    doc, elapsed = national
    assert elapsed < 15
    assert (len(doc["cases"]), len(doc["facilitators"]), len(doc["venues"])) == SIZES["national"]
    assert len(json.dumps(doc)) < 5_000_000


@pytest.mark.slow
def test_national_rules_and_regional_separation(national: tuple[dict, float]) -> None:
    doc, _ = national
    assert check_document(doc) == []
    # Facilitator reach links venues; regions must not merge into one giant component.
    venues = doc["venues"]
    parent = list(range(len(venues)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for f in doc["facilitators"]:
        reach = [
            i for i, v in enumerate(venues) if km(f["home"], v["location"]) <= f["max_travel_km"]
        ]
        for i in reach[1:]:
            parent[find(i)] = find(reach[0])
    sizes = sorted(Counter(find(i) for i in range(len(venues))).values(), reverse=True)
    assert len([s for s in sizes if s >= 15]) >= 8
    assert sizes[0] < 0.2 * len(venues)


def test_tight_reduces_facilitator_and_venue_capacity(area: dict) -> None:
    tight = generate_problem("area", 11, tight=True)
    first = dt.date.fromisoformat(area["horizon"]["start"])
    last = dt.date.fromisoformat(area["horizon"]["end"])

    def hours(doc: dict, kind: str) -> int:
        return (
            sum(available_minutes(x.get("availability", {}), first, last) for x in doc[kind]) // 60
        )

    assert hours(tight, "facilitators") < 0.5 * hours(area, "facilitators")
    assert hours(tight, "venues") < 0.6 * hours(area, "venues")
    assert sum(f["max_meetings_per_week"] for f in tight["facilitators"]) < sum(
        f["max_meetings_per_week"] for f in area["facilitators"]
    )
    assert sum(len(v["rooms"]) for v in tight["venues"]) < sum(
        len(v["rooms"]) for v in area["venues"]
    )


def test_realistic_mix() -> None:
    doc = generate_problem("region", 4)
    fac = doc["facilitators"]
    levels = Counter(f["level"] for f in fac)
    assert abs(levels["foundation"] / len(fac) - 0.35) < 0.02
    assert abs(levels["advanced"] / len(fac) - 0.25) < 0.02
    advanced_sc = sum("sensitive_complex" in f["skills"] for f in fac if f["level"] == "advanced")
    assert advanced_sc > 0.8 * levels["advanced"]
    assert {lang for f in fac for lang in f["languages"]} >= {"en", "pa", "ur", "pl"}
    staff = [
        f
        for f in fac
        if f["availability"]["weekly"][0]["from"] < "12:00"
        and f["availability"]["weekly"][0]["days"][0] != "sat"
    ]
    assert len(staff) > 0.3 * len(fac)
    cases = doc["cases"]
    offences = Counter(c["offence"] for c in cases)
    assert offences["theft"] + offences["burglary"] + offences["assault"] > 0.35 * len(cases)
    assert 0.05 * len(cases) < sum(offences[o] for o in SENSITIVE) < 0.3 * len(cases)
    parties = [p for c in cases for p in c["parties"]]
    assert any("in_custody" in p for p in parties)
    assert any("exclusion_zones" in p for p in parties)
    assert any(p.get("relationship") == "parent_carer" for p in parties)
    assert any(p.get("age", 99) < 16 for p in parties)
    assert any(p["needs"]["language"] != "en" for p in parties)
    assert any(p.get("facilitator_gender", {}).get("required") for p in parties)
    assert any(c["preferred_facilitators"] for c in cases)
    assert any(f.get("conflicts") for f in fac)
    ineligible = [
        c
        for c in cases
        if not all(p.get("consent") is True for p in c["parties"] if p["role"] != "supporter")
        or (c["offence"] in ("domestic_abuse", "sexual_harm") and not c["victim_initiated"])
    ]
    assert 0 < len(ineligible) < 0.15 * len(cases)
    for c in cases:
        for p in c["parties"]:
            if "in_custody" in p:
                assert not {"home", "max_travel_km", "availability"} & set(p)


def test_most_people_have_a_travel_limit() -> None:
    """About 85 % of parties outside custody (and not travelling to a prison) have a
    `max_travel_km`, mostly 8-40 km; some have none, as in real referrals."""
    doc = generate_problem("region", 4)
    free = [
        p
        for c in doc["cases"]
        if not any("in_custody" in q for q in c["parties"])
        for p in c["parties"]
    ]
    limited = [p["max_travel_km"] for p in free if "max_travel_km" in p]
    assert 0.78 < len(limited) / len(free) < 0.92
    assert sum(8 <= km <= 40 for km in limited) > 0.8 * len(limited)


def test_unknown_size_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown size"):
        generate_problem("galactic", 1)


@pytest.mark.parametrize("size", ["small", "area", "region"])
@pytest.mark.parametrize("tight", [False, True])
def test_strict_loader_accepts_the_output(size: str, tight: bool) -> None:
    problem = load_problem(generate_problem(size, 9, tight))
    assert len(problem.cases) == SIZES[size][0]
