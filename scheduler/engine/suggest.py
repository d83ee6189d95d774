"""The best placements for one case against a plan, moving nobody else; and, when there
are none, what it would take (`advise`, see `make_room`). For a problem with journeys,
`suggest_journeys` gives whole journeys (the conference, if any, and every session,
with one team), and `journey_advice` the reasons when none fits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.domain import Plan, Problem, Reason
from scheduler.engine import options as opt
from scheduler.engine.make_room import Advice, what_it_would_take
from scheduler.engine.occupancy import Engagement, Occupancy
from scheduler.engine.options import Options
from scheduler.engine.placement import Placement, search


class Suggester:
    """Suggestions for one problem: the time frame and everyone's availability expanded once.

    Building them is most of a one-off call on an area-sized problem (about half a
    second), so a web app or a bench asking about many cases keeps one of these per
    problem; each call then builds only the options of the case asked about.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self._ctx = _shared_context(problem)
        self._cases: dict[str, opt.CaseOptions] = {}

    def options(self, case_id: str) -> Options:
        if self._ctx is None:  # the pre-filter's internals changed: the slow, sure path
            return opt.build_options(self.problem, [case_id])
        if case_id not in self._cases:
            case = self.problem.case_by_id[case_id]
            self._cases[case_id] = opt.case_options(self.problem, case, self._ctx)
        ctx = self._ctx
        return Options(
            self.problem,
            ctx.clock,
            ctx.horizon,
            ctx.timing,
            {case_id: self._cases[case_id]},
            ctx.avail,
        )

    def suggest(self, plan: Plan | None, case_id: str, k: int = 5) -> list[Placement]:
        return suggest(
            self.problem, plan, case_id, k, options=self.options(_known(self.problem, case_id))
        )

    def journeys(self, plan: Plan | None, case_id: str, k: int = 5) -> list[Journey]:
        """`suggest_journeys` with this problem's shared context."""
        return suggest_journeys(
            self.problem, plan, case_id, k, options=self.options(_known(self.problem, case_id))
        )

    def advise(self, plan: Plan | None, case_id: str, k: int = 3) -> Advice:
        """Free placements; else which one or two meetings would have to move; else why not."""
        return what_it_would_take(
            self.problem, plan, _known(self.problem, case_id), self.options, k=k
        )


if TYPE_CHECKING:
    from scheduler.engine.journey_placement import Journey

# One case against a whole plan: look much further past blocked starts than a plan does.
SUGGEST_PATIENCE = 20


def _shared_context(problem: Problem) -> opt._Context:
    """The pre-filter's per-problem context, built the way `options.build_options` builds it."""
    return opt.context(problem)


def advise(problem: Problem, plan: Plan | None, case_id: str, k: int = 3) -> Advice:
    """`Suggester.advise` for a one-off question (see `make_room`)."""
    return Suggester(problem).advise(plan, case_id, k)


def _known(problem: Problem, case_id: str) -> str:
    if case_id not in problem.case_by_id:
        raise KeyError(f"no case {case_id!r} in problem {problem.name!r}")
    return case_id


def suggest(
    problem: Problem,
    plan: Plan | None,
    case_id: str,
    k: int = 5,
    *,
    options: Options | None = None,
) -> list[Placement]:
    """The k cheapest feasible placements of `case_id`, every other meeting of `plan` fixed.

    Each (start, venue) appears once, with its cheapest team, so the k choices are k
    different times or places a coordinator can pick between. A meeting of this case
    already in the plan is ignored (the case is being re-placed). Without a plan, the
    problem's pinned meetings are the fixed ones. Costs leave out the plan-wide
    max-load term. Raises `KeyError` naming an unknown case.
    """
    _known(problem, case_id)
    if options is None or case_id not in options.cases:
        options = Suggester(problem).options(case_id)
    if plan is None:
        fixed = [m for m in problem.existing if m.status == "pinned"]
    else:
        fixed = list(plan.meetings)
    occ = Occupancy(options, [m for m in fixed if m.case != case_id])
    return search(occ, case_id, order="best", k=k)


def suggest_journeys(
    problem: Problem,
    plan: Plan | None,
    case_id: str,
    k: int = 5,
    *,
    options: Options | None = None,
) -> list[Journey]:
    """The k cheapest whole journeys of `case_id` (spec journeys.md), everything else in
    `plan` fixed: its conferences and its sessions. Each is the conference (None for a
    case without one) and every session, with one team and every rule kept; the case's
    own pinned conference and sessions stay as they are. Without a plan, the problem's
    pinned meetings and sessions are the fixed ones. Raises `KeyError` for an unknown case.
    """
    from scheduler.engine.journey_placement import JourneyPlacer
    from scheduler.engine.journeys import LEAD_DRIVEN_TRIES, sig

    _known(problem, case_id)
    if options is None or case_id not in options.cases:
        options = Suggester(problem).options(case_id)
    if plan is None:
        meetings = [m for m in problem.existing if m.status == "pinned"]
        rows = [r for r in problem.existing_sessions if r.status == "pinned"]
    else:
        meetings, rows = list(plan.meetings), list(plan.sessions)
    occ = Occupancy(options, [m for m in meetings if m.case != case_id])
    for row in rows:
        if row.case != case_id:
            occ.hold(Engagement.of_session(options.clock, problem, row))
    placer = JourneyPlacer(options, occ, patience=SUGGEST_PATIENCE)
    case = problem.case_by_id[case_id]
    pinned = {
        r.session: r
        for r in problem.existing_sessions
        if r.case == case_id and r.status == "pinned"
    }
    kept = next((m for m in problem.existing if m.case == case_id and m.status == "pinned"), None)
    found = placer.place(case, "best", tries=k, pinned=pinned, only_meeting=kept)
    if len(found) < k:
        found += placer.place(case, "first", tries=k, pinned=pinned, only_meeting=kept)
    if not found:  # the usual teams miss it: one lead at a time (see `prep_leads`)
        for lead in placer.prep_leads(case)[:LEAD_DRIVEN_TRIES]:
            found += placer.place(
                case, "first", tries=1, pinned=pinned, only_meeting=kept, only_lead=lead
            )
            if len(found) >= k:
                break
    unique = {sig(j): j for j in found}
    return sorted(unique.values(), key=lambda j: j.cost)[:k]  # stable: found order on ties


def journey_advice(problem: Problem, plan: Plan | None, case_id: str) -> list[Reason]:
    """Why no whole journey of the case fits: the journeys reasons (spec journeys.md)
    against the plan's conferences (or the pins alone, without a plan)."""
    from scheduler.engine.journeys import existing_of, journey_reasons

    _known(problem, case_id)
    options = opt.build_options(problem)
    ex = existing_of(problem, options)
    meetings = list(plan.meetings) if plan is not None else []
    return journey_reasons(problem, options, ex, meetings, [case_id]).get(case_id, [])
