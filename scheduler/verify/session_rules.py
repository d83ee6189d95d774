"""Hard rules S1–S3 and S7 for the sessions of a plan (spec journeys.md), one function each.

S4 and S5 session by session are in `session_place`; the rules across engagements
(rooms, keep apart, double booking and travel: parts of S4–S6) in `session_across`;
pins (S8) in `session_pins`. Every violation names the
engagements it involves, keyed by kind, so that a pinned session is released only for
a rule its own session breaks.
"""

from __future__ import annotations

from collections import defaultdict

from scheduler.domain import Case, Facilitator, Meeting
from scheduler.verify.clauses import (
    eligibility_problems,
    facilitator_problems,
    required_facilitators,
)
from scheduler.verify.engagements import EngagementKey, SessionUse
from scheduler.verify.plan_context import Context, Interval
from scheduler.verify.violation import Violation


def violation(rule: str, case: str, message: str, *keys: EngagementKey) -> Violation:
    cases = tuple(dict.fromkeys(k[1] for k in keys if k[0] == "conference"))
    return Violation(rule, case, message, involves=cases or (case,), engagements=tuple(keys))


def by_case(ctx: Context) -> dict[str, list[SessionUse]]:
    out: dict[str, list[SessionUse]] = defaultdict(list)
    for u in ctx.session_uses:
        out[u.case.id].append(u)
    for uses in out.values():
        uses.sort(key=lambda u: (u.s, u.spec.id))
    return out


def conference_of(ctx: Context, case_id: str) -> Meeting | None:
    return next((m for m in ctx.plan.meetings if m.case == case_id), None)


# --------------------------------------------------------------------------- S1


def s1_eligibility(ctx: Context) -> list[Violation]:
    """A case's sessions are scheduled only when the case could be (rule 1)."""
    out = []
    for c, uses in by_case(ctx).items():
        keys = [u.key for u in uses]
        names = ", ".join(u.spec.id for u in uses)
        for _, msg in eligibility_problems(uses[0].case):
            out.append(violation("S1", c, f"sessions {names} are scheduled, but {msg}", *keys))
    return out


# --------------------------------------------------------------------------- S2


def case_team(ctx: Context, case: Case, uses: list[SessionUse]) -> tuple[str, list[str]] | None:
    """(lead, whole team) of a case: its conference's, else its first team session's,
    else (lead only known) its first session's lead alone."""
    m = conference_of(ctx, case.id)
    if m is not None:
        return m.lead, list(dict.fromkeys(m.facilitators))
    team = next((u for u in uses if u.team_visit), None)
    if team is not None:
        return team.row.lead, list(dict.fromkeys(team.row.facilitators))
    return (uses[0].row.lead, [uses[0].row.lead]) if uses else None


def _completes(ctx: Context, case: Case, lead: Facilitator) -> bool:
    """Could some co-facilitator complete a rule-2 team with this lead?"""
    if required_facilitators(case) == 1:
        return not facilitator_problems(case, lead, [])
    return any(
        co.id != lead.id and not facilitator_problems(case, lead, [co])
        for co in ctx.problem.facilitators
    )


def s2_one_team(ctx: Context) -> list[Violation]:
    """One lead for the conference and every session; team sessions have the whole team,
    the others the lead alone; without a conference, the team meets rule 2."""
    out = []
    by_id = ctx.problem.facilitator_by_id
    for c, uses in by_case(ctx).items():
        case = uses[0].case
        lead, team = case_team(ctx, case, uses)  # type: ignore[misc]
        for u in uses:
            if u.row.lead != lead:
                out.append(
                    violation(
                        "S2",
                        c,
                        f"{u.label} is led by {u.row.lead}, the case's lead is {lead}",
                        u.key,
                    )
                )
            got = list(dict.fromkeys(u.row.facilitators))
            if u.team_visit and set(got) != set(team):
                out.append(
                    violation(
                        "S2",
                        c,
                        f"{u.label} is a team session: the whole team ({', '.join(team)}) "
                        f"attends, not {', '.join(got)}",
                        u.key,
                    )
                )
            elif not u.team_visit and got != [u.row.lead]:
                out.append(
                    violation(
                        "S2",
                        c,
                        f"{u.label} is not a team session: the lead alone attends, not {', '.join(got)}",
                        u.key,
                    )
                )
        if conference_of(ctx, c) is not None or lead not in by_id:
            continue  # a conference's team is rule 2's to check
        keys = [u.key for u in uses]
        if any(u.team_visit for u in uses) or required_facilitators(case) == 1:
            # The whole team is seen (a team session): it must be a rule-2 team itself.
            cos = [by_id[f] for f in team if f != lead and f in by_id]
            for msg in facilitator_problems(case, by_id[lead], cos):
                out.append(violation("S2", c, f"the case's team: {msg}", *keys))
        elif not _completes(ctx, case, by_id[lead]):
            out.append(
                violation(
                    "S2",
                    c,
                    f"no co-facilitator can complete a team under rule 2 with lead {lead}",
                    *keys,
                )
            )
    return out


# --------------------------------------------------------------------------- S3


def _windows(u: SessionUse) -> list[tuple[str, Interval, object]]:
    out: list[tuple[str, Interval, object]] = [
        (f"facilitator {f.id}", u.on_site, f.availability) for f in u.facilitators
    ]
    out += [(f"party {p.id}", u.presence, p.availability) for p in u.attendees]
    if u.venue is not None:
        out.append((f"venue {u.venue.id}", u.on_site, u.venue.availability))
    return out


def s3_time(ctx: Context) -> list[Violation]:
    """Availability, horizon, clock change, grid, preparation gap, case dates, `after`."""
    out = []
    lo, hi = ctx.horizon
    slot = ctx.problem.slot_minutes
    gap = ctx.problem.policy.preparation_gap_days
    for c, uses in by_case(ctx).items():
        case = uses[0].case
        for u in uses:
            for who, w, availability in _windows(u):
                if not ctx.clock.window_is_clear(w[0], w[1]):
                    msg = (
                        f"{who}'s window {ctx.fmt_window(w)} for {u.label} crosses the clock change"
                    )
                elif w[0] < lo or w[1] > hi:
                    msg = f"{who}'s window {ctx.fmt_window(w)} for {u.label} falls outside the horizon"
                elif not ctx.available(availability, w):
                    msg = f"{who} is not available for the whole window {ctx.fmt_window(w)} of {u.label}"
                else:
                    continue
                out.append(violation("S3", c, msg, u.key))
            if (u.row.start.hour * 60 + u.row.start.minute) % slot:
                out.append(
                    violation(
                        "S3",
                        c,
                        f"{u.label} starts at {ctx.fmt(u.s)}, not on the {slot}-minute grid",
                        u.key,
                    )
                )
        out += _preparation_gap(ctx, case, uses, gap)
        out += _case_dates(ctx, case, uses)
        out += _after_order(ctx, case, uses)
    return out


def _preparation_gap(ctx: Context, case: Case, uses: list[SessionUse], gap: int) -> list[Violation]:
    m = next(((m, t) for m, cs, _, t in ctx.checkable if cs.id == case.id), None)
    if m is None:
        return []
    _, t = m
    conf_day = ctx.local_date(t.s)
    key: EngagementKey = ("conference", case.id)
    out = []
    for u in uses:
        days = (conf_day - ctx.local_date(u.s)).days
        same_day_ok = days == 0 and gap == 0 and u.e <= t.on_site[0]
        if days < gap or (days == 0 and not same_day_ok):
            out.append(
                violation(
                    "S3",
                    case.id,
                    f"{u.label} starts {ctx.fmt(u.s)}, {days} local date(s) before the conference "
                    f"on {conf_day} (at least {gap} needed"
                    + (", ending before the facilitators arrive" if gap == 0 else "")
                    + ")",
                    u.key,
                    key,
                )
            )
    return out


def _case_dates(ctx: Context, case: Case, uses: list[SessionUse]) -> list[Violation]:
    """`earliest`/`latest` bind every session of a case without a conference."""
    if case.conference:
        return []
    first, last = ctx.problem.case_earliest(case), ctx.problem.case_latest(case)
    out = []
    for u in uses:
        if ctx.local_date(u.s) < first or ctx.local_date(u.e - 1) > last:
            out.append(
                violation(
                    "S3",
                    case.id,
                    f"{u.label} {ctx.fmt_window((u.s, u.e))} is outside the case's dates {first}..{last}",
                    u.key,
                )
            )
    return out


def _after_order(ctx: Context, case: Case, uses: list[SessionUse]) -> list[Violation]:
    held = {u.spec.id: u for u in uses}
    out = []
    for u in uses:
        before = held.get(u.spec.after) if u.spec.after else None
        if before is not None and not ctx.local_date(before.s) < ctx.local_date(u.s):
            out.append(
                violation(
                    "S3",
                    case.id,
                    f"{u.label} on {ctx.local_date(u.s)} must come after {before.label} "
                    f"({ctx.local_date(before.s)}) on an earlier local date",
                    u.key,
                    before.key,
                )
            )
    return out


# --------------------------------------------------------------------------- S7


def s7_workload(ctx: Context) -> list[Violation]:
    """`max_sessions_per_week`: sessions (not conferences) per facilitator per ISO week."""
    out = []
    per_week: dict[tuple[str, tuple[int, int]], list[SessionUse]] = defaultdict(list)
    for u in ctx.session_uses:
        iso = ctx.local_date(u.s).isocalendar()
        for f in u.facilitators:
            per_week[(f.id, (iso[0], iso[1]))].append(u)
    by_id = ctx.problem.facilitator_by_id
    for (fid, (year, week)), uses in sorted(per_week.items()):
        cap = by_id[fid].max_sessions_per_week
        if cap is not None and len(uses) > cap:
            uses.sort(key=lambda u: u.s)
            out.append(
                violation(
                    "S7",
                    uses[-1].case.id,
                    f"facilitator {fid} has {len(uses)} sessions in ISO week {year}-W{week:02d} "
                    f"({', '.join(u.spec.id for u in uses)}), more than {cap}",
                    *[u.key for u in uses],
                )
            )
    return out
