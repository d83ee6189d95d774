"""Why a case is unscheduled: the spec's reason codes, each true, with a useful message.

Order of the tests (every code given holds; all static causes that hold are given):
rule 1 (`NO_CONSENT`, `NOT_ELIGIBLE_DIRECT`, `MISSING_APPROPRIATE_ADULT`), rule 2 with
time and travel aside (`NO_QUALIFIED_FACILITATOR`), rules 4–6 with facilitators'
travel aside (`NO_SAFE_VENUE`). When none holds, the exact single-case search
(`placement.search`) against the plan's pinned meetings decides between
`NO_COMMON_TIME` (no placement even alone) and `CAPACITY` (placeable alone; the
message names the scheduled cases holding what it could have used, highest rank
first, rank = priority then referral date).
"""

from __future__ import annotations

import datetime as dt

from scheduler.domain import Case, Meeting, Problem, Reason
from scheduler.engine.occupancy import Occupancy
from scheduler.engine.options import CaseOptions, Options, build_options
from scheduler.engine.placement import feasible_slots, search
from scheduler.engine.venue_rules import head_count

NAMED = 5  # blockers named in a CAPACITY message


def unscheduled_reasons(
    problem: Problem, options: Options, meetings: list[Meeting], case_ids: list[str]
) -> dict[str, list[Reason]]:
    """Reasons for each case of `case_ids`, given the plan's `meetings`."""
    pins = [m for m in meetings if m.status == "pinned"]
    alone = Occupancy(options, pins)
    full: Occupancy | None = None
    out: dict[str, list[Reason]] = {}
    for cid in case_ids:
        case = problem.case_by_id[cid]
        o = options.cases.get(cid) or build_options(problem, [cid]).cases[cid]
        got = static_reasons(problem, case, o)
        if got:
            out[cid] = got
            continue
        if not search(alone, cid, order="first", k=1, options_of_case=o):
            out[cid] = [no_common_time(problem, case, o, bool(pins), options)]
            continue
        if full is None:
            full = Occupancy(options, [m for m in meetings if m.status != "pinned"])
        out[cid] = [capacity(problem, case, o, alone, full)]
    return out


def static_reasons(problem: Problem, case: Case, o: CaseOptions) -> list[Reason]:
    """Every static cause that holds: rule 1, no qualified team, no safe venue."""
    out = list(o.ineligible)
    if not o.team_possible:
        out.append(
            Reason(code="NO_QUALIFIED_FACILITATOR", message=no_team_message(problem, case, o))
        )
    if not o.venues:
        out.append(Reason(code="NO_SAFE_VENUE", message=no_venue_message(problem, case, o)))
    return out


def _dates(problem: Problem, case: Case) -> str:
    return f"between {problem.case_earliest(case)} and {problem.case_latest(case)}"


def lead_requirement(case: Case) -> str:
    """Who may lead the case, in words."""
    if case.sensitive_complex:
        skills = ["sensitive_complex"]
        level = "advanced"
    else:
        skills, level = [], "intermediate or advanced"
    if case.offence in ("domestic_abuse", "sexual_harm"):
        skills.append(case.offence)
    if case.in_custody:
        skills.append("prison")
    return f"{level} facilitator" + (f" with {' and '.join(skills)}" if skills else "")


def no_team_message(problem: Problem, case: Case, o: CaseOptions) -> str:
    team = o.team
    when = _dates(problem, case)
    conflicted = [
        f.id for f in problem.facilitators if any(p.id in f.conflicts for p in case.parties)
    ]
    tail = f" (declared conflicts: {', '.join(conflicted)})" if conflicted else ""
    if not team.leads:
        return f"no {lead_requirement(case)} is available {when}{tail}"
    if len(team.cos) < team.required:
        skills = ["sensitive_complex"] if case.sensitive_complex else []
        if case.in_custody:
            skills.append("prison")
        who = f" with {' and '.join(skills)}" if skills else ""
        return f"needs {team.required} facilitators{who}, only {len(team.cos)} may sit on it {when}{tail}"
    for need in team.at_least_one:
        if not need.members & set(team.cos):
            return f"no qualified facilitator meets the need for {need.label} {when}{tail}"
    needs = ", ".join(n.label for n in team.at_least_one)
    return (
        f"no team of {team.required} with a {lead_requirement(case)} lead also covers {needs} "
        f"{when}{tail}"
    )


_VENUE_WORDS = {
    "custody": "the wrong custody setting (prison venues host only their prisoners' cases)",
    "room_capacity": "no room for {n} people",
    "access": "no step-free access or hearing loop needed by an attendee",
    "separate_entrances": "no separate entrances",
    "exclusion_zones": "inside an offender's exclusion zone",
    "victim_locality": "closer than {km} km to a victim's home",
    "party_travel": "beyond an attendee's travel limit",
}


def no_venue_message(problem: Problem, case: Case, o: CaseOptions) -> str:
    parts = []
    for rule, venues in o.venue_filter.removed.items():
        if venues:
            words = _VENUE_WORDS[rule].format(
                n=head_count(case), km=problem.policy.min_victim_home_distance_km
            )
            parts.append(f"{len(venues)} {words}")
    total = len(problem.venues)
    return f"none of the {total} venues is safe and suitable: " + "; ".join(parts)


def who_is_never_free(options: Options, case: Case) -> str:
    """Which attendees' availability leaves no room for the conference within its dates."""
    problem, clock = options.problem, options.clock
    lo = clock.day_start(problem.case_earliest(case))
    hi = clock.day_start(problem.case_latest(case) + dt.timedelta(days=1))
    need = case.duration_minutes

    def long_enough(st) -> bool:  # type: ignore[no-untyped-def]
        return any(b - a >= need for a, b in st.clip(lo, hi).intervals)

    sides = {}
    for p in case.attendees:
        if not long_enough(options.availability.parties[p.id]):
            return f"{p.id} is never available for {need} minutes"
    for side in ("victim", "offender"):
        people = case.side_attendees(side)  # type: ignore[arg-type]
        common = options.availability.parties[people[0].id]
        for p in people[1:]:
            common = common.intersect(options.availability.parties[p.id])
        if not long_enough(common):
            return f"the {side} side ({', '.join(p.id for p in people)}) is never free together"
        sides[side] = (common, people)
    (vs, vp), (os_, op) = sides["victim"], sides["offender"]
    if not long_enough(vs.intersect(os_)):
        return (
            f"the victim side ({', '.join(p.id for p in vp)}) and the offender side "
            f"({', '.join(p.id for p in op)}) are never free at the same time"
        )
    return "no start leaves room for the arrival stagger inside everyone's free time"


def no_common_time(
    problem: Problem, case: Case, o: CaseOptions, pins: bool, options: Options | None = None
) -> Reason:
    when = _dates(problem, case)
    open_starts = {s for ss in o.venue_starts.values() for s in ss}
    if not o.attendee_starts:
        who = "the attendees are never free together"
        if options is not None and all(
            p.id in options.availability.parties for p in case.attendees
        ):
            who = who_is_never_free(options, case)
        msg = f"{who} {when}"
    elif not open_starts:
        msg = (
            f"the attendees are free together at {len(o.attendee_starts)} starts {when}, "
            "but no safe venue is open then"
        )
    elif not o.starts:
        msg = (
            f"the attendees and a safe venue are free together at {len(open_starts)} starts "
            f"{when}, but no qualified team who can reach the venue is free then"
        )
    else:
        held = "pinned meetings or " if pins else ""
        msg = (
            f"{len(o.starts)} starts {when} have the attendees, a safe venue and a qualified "
            f"team free, but {held}rooms, workload caps or travel between venues rule each out"
        )
    return Reason(code="NO_COMMON_TIME", message=msg)


def rank_key(case: Case) -> tuple[int, dt.date]:
    """Higher priority first, then earlier referral (no referral date counts as latest)."""
    return -case.priority, case.referred_on or dt.date.max


def capacity(
    problem: Problem, case: Case, o: CaseOptions, alone: Occupancy, full: Occupancy
) -> Reason:
    timing, clock = alone.options.timing, alone.options.clock
    taken: set[str] = set()
    for s, v, capable in feasible_slots(alone, case.id, o):
        lo, hi = timing.hull(case, s)
        taken |= full.blockers(v, lo, hi, capable, clock.local_date(s), case)
    taken.discard(case.id)
    cases = sorted((problem.case_by_id[c] for c in taken if c in problem.case_by_id), key=rank_key)
    higher = [c for c in cases if rank_key(c) < rank_key(case)]
    named = (higher or cases)[:NAMED]
    if not named:
        # Placeable even against this plan: the solver stopped before trying it.
        msg = (
            "could be placed alone and still fits this plan (the solver stopped early); see suggest"
        )
    else:
        more = len(higher or cases) - len(named)
        who = ", ".join(f"{c.id} (priority {c.priority})" for c in named)
        msg = f"could be placed alone; its options were taken by {who}" + (
            f" and {more} more" if more > 0 else ""
        )
    return Reason(code="CAPACITY", message=msg)
