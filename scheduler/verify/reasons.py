"""Unscheduled reasons: every code given is true, and a single static cause is named.

Statically checkable: NO_CONSENT, NOT_ELIGIBLE_DIRECT, MISSING_APPROPRIATE_ADULT
(rule 1), NO_QUALIFIED_FACILITATOR (exhaustive search of rule 2) and NO_SAFE_VENUE
(rules 4–6 per venue, facilitators' travel aside). NO_COMMON_TIME and CAPACITY depend
on the search over time, so they are accepted as given, except CAPACITY ("could be
scheduled if it were alone"), which is false when any static check fails.

"Exactly when": a static code given must hold; when exactly one static check fails,
its code must be given (the spec: "a case unscheduled for a single cause must carry
that cause's code"). When several fail, any true subset of them will do.
"""

from __future__ import annotations

from scheduler.domain import Case, Problem
from scheduler.verify.clauses import eligibility_problems, some_team_qualifies, venue_is_safe
from scheduler.verify.plan_context import Context
from scheduler.verify.session_places import session_has_place
from scheduler.verify.violation import Violation

STATIC_CODES = (
    "NO_CONSENT",
    "NOT_ELIGIBLE_DIRECT",
    "MISSING_APPROPRIATE_ADULT",
    "NO_QUALIFIED_FACILITATOR",
    "NO_SAFE_VENUE",
)
ALL_CODES = (*STATIC_CODES, "NO_COMMON_TIME", "CAPACITY", "NO_PREPARATION_TIME")
# "Could be scheduled alone" (or its conference could): false when a static check fails.
ALONE_CODES = ("CAPACITY", "NO_PREPARATION_TIME")


def static_failures(problem: Problem, case: Case) -> dict[str, str]:
    """code → explanation, for each statically checkable reason that holds for the case."""
    out: dict[str, str] = {}
    for code, msg in eligibility_problems(case):
        out.setdefault(code, msg)
    if not some_team_qualifies(problem, case):
        out["NO_QUALIFIED_FACILITATOR"] = "no set of facilitators meets rule 2"
    if not case.conference:
        # Journeys: read for the sessions of a case without a conference.
        placeless = [s.id for s in case.sessions if not session_has_place(problem, case, s)]
        if placeless:
            out["NO_SAFE_VENUE"] = (
                f"no allowed mode and place meets S4–S5 for session(s) {', '.join(placeless)}"
            )
    elif not any(venue_is_safe(problem, case, v) for v in problem.venues):
        out["NO_SAFE_VENUE"] = "no venue meets rules 4 to 6"
    return out


def check_reasons(ctx: Context) -> list[Violation]:
    out = []
    for u in ctx.plan.unscheduled:
        case = ctx.problem.case_by_id.get(u.case)
        if case is None:
            continue  # reported by the document checks
        codes: list[str] = [r.code for r in u.reasons]
        if not codes:
            out.append(Violation("plan", case.id, "unscheduled with no reason"))
            continue
        failing = static_failures(ctx.problem, case)
        for code in codes:
            if code not in ALL_CODES:
                out.append(Violation("plan", case.id, f"unknown reason code {code}"))
            elif code in STATIC_CODES and code not in failing:
                out.append(Violation("plan", case.id, f"{code} is given but does not hold"))
            elif code in ALONE_CODES and failing:
                out.append(
                    Violation(
                        "plan",
                        case.id,
                        f"{code} is given, but the case could not be "
                        f"scheduled even alone: {'; '.join(failing.values())}",
                    )
                )
            elif code == "NO_PREPARATION_TIME" and not (case.conference and case.sessions):
                out.append(
                    Violation(
                        "plan",
                        case.id,
                        "NO_PREPARATION_TIME is given, but the case has "
                        + ("no conference" if not case.conference else "no sessions"),
                    )
                )
        if len(failing) == 1:
            ((code, why),) = failing.items()
            if code not in codes:
                out.append(
                    Violation(
                        "plan",
                        case.id,
                        f"its only static cause is {code} ({why}); "
                        f"reasons given: {', '.join(codes)}",
                    )
                )
    return out
