"""The one guard that keeps the engine from planning half a case journey.

Until the engine plans sessions (issue 12, deliverable 2), a problem with sessions,
a case without a conference, or existing sessions is refused here, before any option
is built, rather than planned as conferences only (which would leave every session
unbooked and every case without a conference unscheduled, silently). `build_options`
calls it, so every caller (`rjsched solve`, the demo, the jobs) gets the refusal.
"""

from __future__ import annotations

from scheduler.domain import Problem


class JourneysNotPlanned(ValueError):
    """The problem has case journeys, which the engine does not plan yet."""


def refuse_journeys(problem: Problem) -> None:
    if not problem.has_journeys:
        return
    with_sessions = [c.id for c in problem.cases if c.sessions or not c.conference]
    what = f"{len(with_sessions)} case(s) with sessions" if with_sessions else "existing sessions"
    raise JourneysNotPlanned(
        f"case journeys are not planned yet: the problem has {what} "
        f"({', '.join(with_sessions[:5])}{', …' if len(with_sessions) > 5 else ''}); "
        "`rjsched verify` checks a plan with sessions"
    )
