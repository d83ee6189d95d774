"""`verify(problem, plan)`: every hard rule, the document checks, and the objective."""

from __future__ import annotations

from scheduler.domain import Plan, Problem
from scheduler.verify.document import DOCUMENT_CHECKS
from scheduler.verify.objective import compute_objective
from scheduler.verify.pinned import rule_10_pinned
from scheduler.verify.plan_context import Context
from scheduler.verify.reasons import check_reasons
from scheduler.verify.rules import PER_PLAN_RULES
from scheduler.verify.session_rules_list import SESSION_RULES
from scheduler.verify.violation import Violation

# Rules 1–10 for conferences, then S1–S8 for case journeys (spec journeys.md).
HARD_RULES = (*PER_PLAN_RULES, rule_10_pinned, *SESSION_RULES)


def verify(problem: Problem, plan: Plan) -> list[Violation]:
    """Every violation of the spec by `plan`, hard rules 1–10 and S1–S8 first; empty if valid."""
    ctx = Context(problem, plan)
    out = [v for rule in HARD_RULES for v in rule(ctx)]
    out += [v for check in DOCUMENT_CHECKS for v in check(ctx)]
    out += check_reasons(ctx)
    got, want = plan.objective, compute_objective(problem, plan)
    if got != want:
        out.append(Violation("objective", None, f"plan says {_fmt(got)}, recomputed {_fmt(want)}"))
    return out


def _fmt(o) -> str:  # type: ignore[no-untyped-def]
    return f"disruption {o.disruption}, scheduled priority {o.scheduled_priority}, soft cost {o.soft_cost}"
