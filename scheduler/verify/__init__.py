"""The independent plan checker: the spec's rules in plain Python, apart from the solver."""

from scheduler.verify.core import CONFIRM_CHECKS, HARD_RULES, confirm_violations, verify
from scheduler.verify.objective import compute_objective
from scheduler.verify.reasons import static_failures
from scheduler.verify.violation import RULE_NAMES, Violation

__all__ = [
    "CONFIRM_CHECKS",
    "HARD_RULES",
    "RULE_NAMES",
    "Violation",
    "compute_objective",
    "confirm_violations",
    "static_failures",
    "verify",
]
