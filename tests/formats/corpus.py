"""A corpus of broken problem documents, each breaking one validation rule once.

`broken_documents()` gives `(name, document bytes, expected JSON path)` for every
entry: the small JSON files in `corpus/` plus named mutations of `base.problem.json`
(a copy of the spec's worked example, which is valid). Other test suites reuse it,
e.g. to check that no broken document writes anything to the database.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

CORPUS = Path(__file__).parent / "corpus"
BASE_PATH = CORPUS / "base.problem.json"

Doc = dict[str, Any]


class Broken(NamedTuple):
    name: str
    data: bytes
    path: str  # a path that must appear among the issues
    reason: str  # a fragment of that reason


def base_problem() -> Doc:
    """The valid base document (a fresh copy each time)."""
    return json.loads(BASE_PATH.read_text(encoding="utf-8"))


# A confirmed meeting of case C7 (taken from the example plan), valid against the base.
EXISTING: Doc = {
    "case": "C7",
    "status": "confirmed",
    "start": "2027-03-08T10:30",
    "end": "2027-03-08T13:15",
    "venue": "V3",
    "room": "R1",
    "lead": "F4",
    "co_facilitators": ["F3"],
    "facilitators_on_site": {"start": "2027-03-08T09:45", "end": "2027-03-08T13:45"},
    "attendance": [
        {
            "party": "P17",
            "side": "victim",
            "waiting_room": "W1",
            "entrance": "Front counter",
            "arrive": "2027-03-08T10:15",
            "leave": "2027-03-08T13:15",
        },
        {
            "party": "P18",
            "side": "offender",
            "waiting_room": "W2",
            "entrance": "Side door (Green Row)",
            "arrive": "2027-03-08T10:00",
            "leave": "2027-03-08T13:30",
        },
    ],
}


def with_existing(d: Doc) -> Doc:
    d["existing"] = [copy.deepcopy(EXISTING)]
    return d


# name → (mutation of the base, expected path, fragment of the reason)
Mutation = tuple[Callable[[Doc], Any], str, str]
MUTATIONS: dict[str, Mutation] = {}


def mutation(name: str, path: str, reason: str) -> Callable[[Callable[[Doc], Any]], Callable]:
    def register(fn: Callable[[Doc], Any]) -> Callable[[Doc], Any]:
        MUTATIONS[name] = (fn, path, reason)
        return fn

    return register


def case(d: Doc, i: int) -> Doc:
    return d["cases"][i]


def party(d: Doc, i: int, j: int) -> Doc:
    return d["cases"][i]["parties"][j]


# ---- shape: unknown keys, types, ranges --------------------------------------------
mutation("unknown_top_key", "colour", "not a known key")(lambda d: d.update(colour="blue"))
mutation("unknown_party_key", "cases[0].parties[0].consnet", "not a known key")(
    lambda d: party(d, 0, 0).update(consnet=True)
)
mutation("wrong_format", "format", "must be one of")(lambda d: d.update(format="rj-problem/2"))
mutation("negative_age", "cases[0].parties[1].age", "must be a whole number ≥ 0")(
    lambda d: party(d, 0, 1).update(age=-3)
)
mutation("age_as_text", "cases[0].parties[1].age", "must be a whole number")(
    lambda d: party(d, 0, 1).update(age="34")
)
mutation("priority_too_high", "cases[0].priority", "≤ 5")(lambda d: case(d, 0).update(priority=9))
mutation("latitude_out_of_range", "facilitators[0].home.lat", "≤ 90")(
    lambda d: d["facilitators"][0]["home"].update(lat=200.0)
)
mutation("unknown_level", "facilitators[0].level", "must be one of")(
    lambda d: d["facilitators"][0].update(level="expert")
)
mutation("consent_as_text", "cases[0].parties[0].consent", "true or false")(
    lambda d: party(d, 0, 0).update(consent="yes")
)
mutation("bad_horizon_date", "horizon.start", "YYYY-MM-DD")(
    lambda d: d["horizon"].update(start="2027-3-8")
)
mutation("missing_duration", "cases[0].duration_minutes", "is required")(
    lambda d: case(d, 0).pop("duration_minutes")
)
mutation("facilitators_not_a_list", "facilitators", "must be a list")(
    lambda d: d.update(facilitators={"F1": {}})
)
mutation("weekly_to_25", "facilitators[0].availability.weekly[0].to", "time of day")(
    lambda d: d["facilitators"][0]["availability"]["weekly"][0].update(to="25:00")
)
mutation("negative_weight", "policy.weights.wait_per_day", "whole number ≥ 0")(
    lambda d: d["policy"].update(weights={"wait_per_day": -1})
)
mutation("one_waiting_room", "venues[1].waiting_rooms", "at least 2")(
    lambda d: d["venues"][1].update(waiting_rooms=["W1"])
)
mutation("keep_apart_triple", "keep_apart[0]", "at most 2")(
    lambda d: d.update(keep_apart=[["P1", "P32", "P3"]])
)
mutation("empty_facilitator_id", "facilitators[0].id", "must not be empty")(
    lambda d: d["facilitators"][0].update(id="")
)


# ---- top level and policy ----------------------------------------------------------
mutation("unknown_timezone", "timezone", "not a known IANA time zone")(
    lambda d: d.update(timezone="Europe/Atlantis")
)
mutation("horizon_backwards", "horizon.end", "before horizon.start")(
    lambda d: d["horizon"].update(start="2027-04-19")
)
mutation("slot_zero", "slot_minutes", "≥ 1")(lambda d: d.update(slot_minutes=0))
mutation("before_too_short", "policy.facilitator_before_minutes", "settle_minutes + stagger")(
    lambda d: d["policy"].update(facilitator_before_minutes=20)
)
mutation("after_too_short", "policy.facilitator_after_minutes", "stagger_minutes")(
    lambda d: d["policy"].update(facilitator_after_minutes=10)
)


# ---- ids ---------------------------------------------------------------------------
mutation("duplicate_facilitator", "facilitators[1].id", "duplicate id")(
    lambda d: d["facilitators"][1].update(id="F1")
)
mutation("duplicate_venue", "venues[1].id", "duplicate id")(
    lambda d: d["venues"][1].update(id="V1")
)
mutation("duplicate_case", "cases[1].id", "duplicate id")(lambda d: case(d, 1).update(id="C1"))
mutation("duplicate_party_across_cases", "cases[1].parties[0].id", "duplicate id")(
    lambda d: party(d, 1, 0).update(id="P1")
)
mutation("duplicate_room", "venues[0].rooms[1].id", "duplicate id")(
    lambda d: d["venues"][0]["rooms"][1].update(id="R1")
)
mutation("duplicate_waiting_room", "venues[0].waiting_rooms[1]", "duplicate id")(
    lambda d: d["venues"][0].update(waiting_rooms=["W1", "W1", "W3"])
)


# ---- references --------------------------------------------------------------------
mutation("dangling_conflict", "facilitators[0].conflicts[0]", "no party")(
    lambda d: d["facilitators"][0].update(conflicts=["P99"])
)
mutation("dangling_preferred", "cases[1].preferred_facilitators[0]", "no facilitator")(
    lambda d: case(d, 1).update(preferred_facilitators=["F99"])
)
mutation("supporter_without_supports", "cases[4].parties[2].supports", "required")(
    lambda d: party(d, 4, 2).pop("supports")
)
mutation("supports_other_case", "cases[4].parties[2].supports", "not in case")(
    lambda d: party(d, 4, 2).update(supports="P1")
)
mutation("supports_a_supporter", "cases[4].parties[2].supports", "not the supporter")(
    lambda d: party(d, 4, 2).update(supports="P12")
)
mutation("victim_with_supports", "cases[0].parties[0].supports", "only on supporters")(
    lambda d: party(d, 0, 0).update(supports="P2")
)
mutation("relationship_on_offender", "cases[0].parties[1].relationship", "only on supporters")(
    lambda d: party(d, 0, 1).update(relationship="family")
)
mutation("keep_apart_unknown_party", "keep_apart[0][1]", "no party")(
    lambda d: d.update(keep_apart=[["P1", "P404"]])
)
mutation("keep_apart_same_case", "keep_apart[0]", "both in case")(
    lambda d: d.update(keep_apart=[["P1", "P2"]])
)
mutation("keep_apart_same_party", "keep_apart[0]", "twice")(
    lambda d: d.update(keep_apart=[["P1", "P1"]])
)
mutation("keep_apart_repeated_pair", "keep_apart[1]", "repeats")(
    lambda d: d.update(keep_apart=[["P1", "P32"], ["P32", "P1"]])
)
mutation("blank_prison", "cases[4].parties[1].in_custody", "not be blank")(
    lambda d: party(d, 4, 1).update(in_custody="  ")
)


# ---- venues and cases --------------------------------------------------------------
mutation("prison_on_community_venue", "venues[1].prison", "only on a venue of kind prison")(
    lambda d: d["venues"][1].update(prison="HMP-Birmingham")
)
mutation("prison_venue_without_prison", "venues[0].prison", "required")(
    lambda d: d["venues"][0].pop("prison")
)
mutation("separate_entrances_one_door", "venues[2].entrances", "at least two")(
    lambda d: d["venues"][2].update(entrances=["Front counter"])
)
mutation("duplicate_entrance", "venues[2].entrances[1]", "duplicate entrance")(
    lambda d: d["venues"][2].update(entrances=["Front counter", "Front counter", "Back"])
)
mutation("no_offender", "cases[0].parties", "at least one offender")(
    lambda d: party(d, 0, 1).update(role="victim")
)
mutation("no_victim", "cases[0].parties", "at least one victim")(
    lambda d: party(d, 0, 0).update(role="offender")
)
mutation("exclusion_zone_on_victim", "cases[0].parties[0].exclusion_zones", "offenders only")(
    lambda d: party(d, 0, 0).update(
        exclusion_zones=[{"center": {"lat": 52.5, "lon": -1.9}, "radius_km": 1.0}]
    )
)
mutation("earliest_before_horizon", "cases[0].earliest", "outside the horizon")(
    lambda d: case(d, 0).update(earliest="2027-01-01")
)
mutation("latest_after_horizon", "cases[0].latest", "outside the horizon")(
    lambda d: case(d, 0).update(latest="2027-12-31")
)
mutation("earliest_after_latest", "cases[0].latest", "before earliest")(
    lambda d: case(d, 0).update(earliest="2027-04-01", latest="2027-03-20")
)


# ---- availability ------------------------------------------------------------------
mutation("weekly_backwards", "facilitators[0].availability.weekly[0].to", "after from")(
    lambda d: d["facilitators"][0]["availability"]["weekly"][0].update(
        {"from": "21:30", "to": "17:30"}
    )
)
mutation("dates_window_empty", "facilitators[5].availability.dates[0].end", "after start")(
    lambda d: d["facilitators"][5]["availability"]["dates"][0].update(end="2027-03-08T10:00")
)
mutation("unavailable_backwards", "facilitators[2].availability.unavailable[0].end", "after start")(
    lambda d: d["facilitators"][2]["availability"]["unavailable"][0].update(end="2027-03-25T00:00")
)
mutation("venue_weekly_backwards", "venues[2].availability.weekly[0].to", "after from")(
    lambda d: d["venues"][2]["availability"]["weekly"][0].update(to="07:00")
)


# ---- existing meetings -------------------------------------------------------------
def existing(fn: Callable[[Doc], Any]) -> Callable[[Doc], Any]:
    """A mutation of the first existing meeting of the base with `EXISTING` added."""

    def apply(d: Doc) -> None:
        with_existing(d)
        fn(d["existing"][0])

    return apply


def _second_meeting(d: Doc) -> None:
    with_existing(d)
    d["existing"].append(copy.deepcopy(EXISTING))


mutation("existing_proposed", "existing[0].status", "confirmed or pinned")(
    existing(lambda m: m.update(status="proposed"))
)
mutation("existing_twice", "existing[1].case", "already has a meeting")(_second_meeting)
mutation("existing_unknown_case", "existing[0].case", "no case")(
    existing(lambda m: m.update(case="C99"))
)
mutation("existing_unknown_venue", "existing[0].venue", "no venue")(
    existing(lambda m: m.update(venue="V9"))
)
mutation("existing_unknown_room", "existing[0].room", "no room")(
    existing(lambda m: m.update(room="R7"))
)
mutation(
    "existing_unknown_waiting_room", "existing[0].attendance[1].waiting_room", "no waiting room"
)(existing(lambda m: m["attendance"][1].update(waiting_room="W9")))
mutation("existing_unknown_entrance", "existing[0].attendance[0].entrance", "no entrance")(
    existing(lambda m: m["attendance"][0].update(entrance="Roof"))
)
mutation("existing_unknown_lead", "existing[0].lead", "no facilitator")(
    existing(lambda m: m.update(lead="F99"))
)
mutation("existing_unknown_co", "existing[0].co_facilitators[0]", "no facilitator")(
    existing(lambda m: m.update(co_facilitators=["F42"]))
)
mutation("existing_party_of_other_case", "existing[0].attendance[0].party", "has no party")(
    existing(lambda m: m["attendance"][0].update(party="P1"))
)
mutation("existing_wrong_side", "existing[0].attendance[0].side", "victim side")(
    existing(lambda m: m["attendance"][0].update(side="offender"))
)
mutation("existing_off_grid", "existing[0].start", "15-minute grid")(
    existing(lambda m: m.update(start="2027-03-08T10:37", end="2027-03-08T13:22"))
)
# Not a mutation: an existing meeting whose end no longer matches the case's duration
# (its length changed after confirming) is accepted; see test_corpus.py.
mutation("existing_on_site_backwards", "existing[0].facilitators_on_site.end", "after")(
    existing(lambda m: m["facilitators_on_site"].update(end="2027-03-08T09:00"))
)
mutation("existing_start_in_gap", "existing[0].start", "does not exist in Europe/London")(
    existing(lambda m: m.update(start="2027-03-28T01:30", end="2027-03-28T04:15"))
)
mutation("existing_arrive_in_gap", "existing[0].attendance[1].arrive", "the clocks go forward")(
    existing(lambda m: m["attendance"][1].update(arrive="2027-03-28T01:00"))
)
mutation("existing_on_site_twice", "existing[0].facilitators_on_site.end", "occurs twice")(
    existing(lambda m: m["facilitators_on_site"].update(end="2027-10-31T01:15"))
)
mutation("existing_bad_time_text", "existing[0].start", "YYYY-MM-DDTHH:MM")(
    existing(lambda m: m.update(start="2027-03-08 10:30"))
)


# ---- case journeys (spec journeys.md) ----------------------------------------------
SESSIONS: list[Doc] = [
    {"id": "C1-V1", "party": "P1", "modes": ["home", "venue", "video"], "duration_minutes": 60},
    {"id": "C1-O1", "party": "P2", "modes": ["venue"], "duration_minutes": 90, "team": True},
    {"id": "C1-V2", "party": "P1", "modes": ["video"], "duration_minutes": 45, "after": "C1-V1"},
]

# A pinned session of case C1 at venue V2, valid against the base with `SESSIONS`.
EXISTING_SESSION: Doc = {
    "case": "C1",
    "session": "C1-O1",
    "status": "pinned",
    "mode": "venue",
    "venue": "V2",
    "room": "R1",
    "start": "2027-03-09T14:00",
    "end": "2027-03-09T15:30",
    "facilitators": ["F4", "F3"],
    "on_site": {"start": "2027-03-09T13:45", "end": "2027-03-09T15:45"},
}


def with_sessions(d: Doc) -> Doc:
    """The base with three sessions on case C1 and one pinned existing session."""
    case(d, 0)["sessions"] = copy.deepcopy(SESSIONS)
    d["existing_sessions"] = [copy.deepcopy(EXISTING_SESSION)]
    return d


def journeys(fn: Callable[[Doc], Any]) -> Callable[[Doc], Any]:
    """A mutation of the base with `with_sessions` applied first."""

    def apply(d: Doc) -> None:
        with_sessions(d)
        fn(d)

    return apply


def session(d: Doc, j: int) -> Doc:
    return case(d, 0)["sessions"][j]


def ex_session(d: Doc) -> Doc:
    return d["existing_sessions"][0]


def _session_in_case_2(d: Doc) -> None:
    case(d, 1)["sessions"] = [{"id": "C2-V1", "party": "P3", "duration_minutes": 30}]


mutation("session_unknown_key", "cases[0].sessions[0].mode", "not a known key")(
    journeys(lambda d: session(d, 0).update(mode="home"))
)
mutation("session_unknown_mode", "cases[0].sessions[0].modes[1]", "must be one of")(
    journeys(lambda d: session(d, 0).update(modes=["home", "phone"]))
)
mutation("session_no_modes", "cases[0].sessions[0].modes", "must not be empty")(
    journeys(lambda d: session(d, 0).update(modes=[]))
)
mutation("session_repeated_mode", "cases[0].sessions[0].modes[2]", "repeats the mode 'home'")(
    journeys(lambda d: session(d, 0).update(modes=["home", "venue", "home"]))
)
mutation("session_zero_minutes", "cases[0].sessions[1].duration_minutes", "whole number ≥ 1")(
    journeys(lambda d: session(d, 1).update(duration_minutes=0))
)
mutation("session_missing_duration", "cases[0].sessions[1].duration_minutes", "is required")(
    journeys(lambda d: session(d, 1).pop("duration_minutes"))
)
mutation("session_team_as_text", "cases[0].sessions[1].team", "true or false")(
    journeys(lambda d: session(d, 1).update(team="yes"))
)
mutation("session_duplicate_id", "cases[0].sessions[1].id", "duplicate session id")(
    journeys(lambda d: session(d, 1).update(id="C1-V1"))
)
mutation("session_id_across_cases", "cases[1].sessions[0].id", "duplicate session id 'C1-V1'")(
    journeys(
        lambda d: case(d, 1).update(
            sessions=[{"id": "C1-V1", "party": "P3", "duration_minutes": 30}]
        )
    )
)
mutation("session_party_of_other_case", "cases[0].sessions[0].party", "in case 'C2'")(
    journeys(lambda d: session(d, 0).update(party="P3"))
)
mutation("session_party_unknown", "cases[0].sessions[0].party", "not in case 'C1'")(
    journeys(lambda d: session(d, 0).update(party="P404"))
)
mutation("session_party_supporter", "cases[4].sessions[0].party", "not the supporter 'P11'")(
    lambda d: case(d, 4).update(sessions=[{"id": "C5-S1", "party": "P11", "duration_minutes": 30}])
)
mutation("session_after_itself", "cases[0].sessions[2].after", "names the session itself")(
    journeys(lambda d: session(d, 2).update(after="C1-V2"))
)
mutation("session_after_unknown", "cases[0].sessions[2].after", "'C1-X9' is not one")(
    journeys(lambda d: session(d, 2).update(after="C1-X9"))
)
mutation("session_after_other_case", "cases[0].sessions[2].after", "in case 'C2'")(
    journeys(lambda d: (_session_in_case_2(d), session(d, 2).update(after="C2-V1")))
)
mutation("session_after_cycle", "cases[0].sessions[0].after", "makes a cycle")(
    journeys(lambda d: session(d, 0).update(after="C1-V2"))
)
mutation("no_conference_no_sessions", "cases[1].sessions", "at least one session")(
    lambda d: case(d, 1).update(conference=False)
)
mutation("conference_as_text", "cases[0].conference", "true or false")(
    journeys(lambda d: case(d, 0).update(conference="no"))
)
mutation("party_address_not_text", "cases[0].parties[0].address", "must be text")(
    lambda d: party(d, 0, 0).update(address=12)
)
mutation("party_address_blank", "cases[0].parties[0].address", "must not be blank")(
    lambda d: party(d, 0, 0).update(address="   ")
)
mutation("negative_preparation_gap", "policy.preparation_gap_days", "whole number ≥ 0")(
    lambda d: d["policy"].update(preparation_gap_days=-1)
)
mutation("negative_session_margin", "policy.session_margin_minutes", "whole number ≥ 0")(
    lambda d: d["policy"].update(session_margin_minutes=-5)
)
mutation("negative_remote_weight", "policy.weights.remote_session", "whole number ≥ 0")(
    lambda d: d["policy"].update(weights={"remote_session": -1})
)
mutation("zero_sessions_per_week", "facilitators[0].max_sessions_per_week", "whole number ≥ 1")(
    lambda d: d["facilitators"][0].update(max_sessions_per_week=0)
)
mutation("existing_session_proposed", "existing_sessions[0].status", "confirmed or pinned")(
    journeys(lambda d: ex_session(d).update(status="proposed"))
)
mutation("existing_session_unknown_key", "existing_sessions[0].lead", "not a known key")(
    journeys(lambda d: ex_session(d).update(lead="F4"))
)
mutation("existing_session_unknown_case", "existing_sessions[0].case", "no case has id 'C99'")(
    journeys(lambda d: ex_session(d).update(case="C99"))
)
mutation("existing_session_unknown", "existing_sessions[0].session", "has no session 'C1-Z'")(
    journeys(lambda d: ex_session(d).update(session="C1-Z"))
)
mutation("existing_session_wrong_case", "existing_sessions[0].session", "belongs to case 'C1'")(
    journeys(lambda d: ex_session(d).update(case="C2"))
)
mutation("existing_session_twice", "existing_sessions[1].session", "already has an entry")(
    journeys(lambda d: d["existing_sessions"].append(copy.deepcopy(EXISTING_SESSION)))
)
mutation("existing_session_unknown_venue", "existing_sessions[0].venue", "no venue has id 'V9'")(
    journeys(lambda d: ex_session(d).update(venue="V9"))
)
mutation("existing_session_unknown_room", "existing_sessions[0].room", "has no room 'R9'")(
    journeys(lambda d: ex_session(d).update(room="R9"))
)
mutation("existing_session_venue_missing", "existing_sessions[0].venue", "required")(
    journeys(lambda d: ex_session(d).pop("venue"))
)
mutation("existing_session_home_with_room", "existing_sessions[0].room", "only when mode is venue")(
    journeys(lambda d: (ex_session(d).update(mode="home"), ex_session(d).pop("venue")))
)
mutation(
    "existing_session_unknown_facilitator", "existing_sessions[0].facilitators[1]", "no facilitator"
)(journeys(lambda d: ex_session(d).update(facilitators=["F4", "F99"])))
mutation("existing_session_facilitator_twice", "existing_sessions[0].facilitators[1]", "twice")(
    journeys(lambda d: ex_session(d).update(facilitators=["F4", "F4"]))
)
mutation(
    "existing_session_no_facilitator", "existing_sessions[0].facilitators", "must not be empty"
)(journeys(lambda d: ex_session(d).update(facilitators=[])))
mutation("existing_session_off_grid", "existing_sessions[0].start", "15-minute grid")(
    journeys(lambda d: ex_session(d).update(start="2027-03-09T14:05", end="2027-03-09T15:35"))
)
mutation("existing_session_backwards", "existing_sessions[0].end", "must be after start")(
    journeys(lambda d: ex_session(d).update(end="2027-03-09T13:00"))
)
mutation("existing_session_in_gap", "existing_sessions[0].on_site.start", "does not exist")(
    journeys(
        lambda d: ex_session(d).update(
            start="2027-03-28T02:00",
            end="2027-03-28T03:30",
            on_site={"start": "2027-03-28T01:45", "end": "2027-03-28T03:45"},
        )
    )
)
mutation("existing_session_bad_mode", "existing_sessions[0].mode", "must be one of")(
    journeys(lambda d: ex_session(d).update(mode="phone"))
)


# ---- small files -------------------------------------------------------------------
FILES: dict[str, tuple[str, str]] = {
    "malformed.json": ("", "not valid JSON"),
    "not_an_object.json": ("", "must be a JSON object"),
    "wrong_types.json": ("slot_minutes", "must be a whole number"),
    "dst_gap_existing.json": ("existing[0].start", "2027-03-28T01:30 does not exist"),
}


def mutated(name: str) -> Doc:
    fn, _, _ = MUTATIONS[name]
    d = base_problem()
    fn(d)
    return d


def broken_cases() -> list[Broken]:
    """Every corpus entry with the reason fragment its issue must carry."""
    out = [Broken(f"file:{f}", (CORPUS / f).read_bytes(), p, r) for f, (p, r) in FILES.items()]
    out.append(Broken("not_utf8", b'{"name": "\xff\xfe"}', "", "not UTF-8"))
    nan = json.dumps(base_problem()).replace('"travel_speed_kmh": 30.0', '"travel_speed_kmh": NaN')
    out.append(Broken("nan_number", nan.encode(), "policy.travel_speed_kmh", "finite number"))
    for name, (_, path, reason) in MUTATIONS.items():
        data = json.dumps(mutated(name), ensure_ascii=False).encode()
        out.append(Broken(name, data, path, reason))
    from tests.formats.corpus_hostile import hostile_cases

    return out + hostile_cases()


def broken_documents() -> list[tuple[str, bytes, str]]:
    """(name, document bytes, expected JSON path) for every broken document."""
    return [(b.name, b.data, b.path) for b in broken_cases()]
