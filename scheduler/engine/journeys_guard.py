"""The one guard left for case journeys: the task-queue fan-out does not split them.

`allocate` plans a problem with journeys whole (`journeys.plan_journeys`), so
`rjsched solve`, the demo and the in-process re-plan plan sessions. The Celery
fan-out (`jobs.allocation.start`: parts solved side by side, then merged) still splits
by conference parts, which would leave every session unbooked and every case without a
conference unscheduled, silently; so it refuses a problem with journeys here, clearly,
rather than plan half of it. `rjsched solve --db` plans it in one process.
"""

from __future__ import annotations

from scheduler.domain import Problem


class JourneysNotPlanned(ValueError):
    """The problem has case journeys, which this path does not plan."""


def refuse_journeys(problem: Problem) -> None:
    if not problem.has_journeys:
        return
    with_sessions = [c.id for c in problem.cases if c.sessions or not c.conference]
    what = f"{len(with_sessions)} case(s) with sessions" if with_sessions else "existing sessions"
    raise JourneysNotPlanned(
        f"the task-queue allocation does not split case journeys yet: the problem has {what} "
        f"({', '.join(with_sessions[:5])}{', …' if len(with_sessions) > 5 else ''}); "
        "plan it in one process with `rjsched solve --db`"
    )
