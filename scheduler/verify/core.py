"""`verify(problem, plan)`: every hard rule, the document checks, and the objective."""

from __future__ import annotations

from scheduler.domain import Plan, Problem
from scheduler.verify.document import (
    DOCUMENT_CHECKS,
    check_attendance,
    check_cases_known_once,
    check_meeting_times,
    check_references,
)
from scheduler.verify.objective import compute_objective
from scheduler.verify.pinned import rule_10_pinned
from scheduler.verify.plan_context import Context
from scheduler.verify.reasons import check_reasons
from scheduler.verify.rules import PER_PLAN_RULES
from scheduler.verify.session_rules_list import SESSION_RULES
from scheduler.verify.violation import Violation

# Rules 1–10 for conferences, then S1–S8 for case journeys (spec journeys.md).
HARD_RULES = (*PER_PLAN_RULES, rule_10_pinned, *SESSION_RULES)

# What a plan must pass before it is confirmed: every hard rule, and the document checks
# that decide what people are told (who, where, when). Left out: a case missing from the
# plan (nobody is invited for it), and the checks that judge the plan against the
# `existing` it was solved from (status, warnings, solver bound, reasons, objective): a
# re-plan is solved from the confirmed meetings, not from the imported `existing`, so
# against the stored problem those would refuse every re-plan for bookkeeping alone.
CONFIRM_CHECKS = (
    *HARD_RULES,
    check_cases_known_once,
    check_references,
    check_meeting_times,
    check_attendance,
)


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


def confirm_violations(problem: Problem, plan: Plan) -> list[Violation]:
    """What keeps `plan` from being confirmed under `problem` (see `CONFIRM_CHECKS`)."""
    ctx = Context(problem, plan)
    return [v for check in CONFIRM_CHECKS for v in check(ctx)]


def _fmt(o) -> str:  # type: ignore[no-untyped-def]
    return f"disruption {o.disruption}, scheduled priority {o.scheduled_priority}, soft cost {o.soft_cost}"
