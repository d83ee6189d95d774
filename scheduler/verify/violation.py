"""What the checker reports: one broken rule, naming the case and what is involved."""

from __future__ import annotations

from dataclasses import dataclass, field

RULE_NAMES: dict[int | str, str] = {
    1: "eligibility",
    2: "facilitators",
    3: "presence windows",
    4: "venue",
    5: "custody",
    6: "safety distance",
    7: "keep apart",
    8: "no double booking",
    9: "workload",
    10: "pinned",
    "plan": "plan document",
    "objective": "objective",
}


@dataclass(frozen=True)
class Violation:
    """A broken rule: `rule` is 1–10, or "plan" or "objective"."""

    rule: int | str
    case: str | None
    message: str
    # Every case the violation involves (a room clash involves two); used to decide
    # whether a pinned meeting really breaks a rule. Not part of equality.
    involves: tuple[str, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        label = RULE_NAMES.get(self.rule, str(self.rule))
        head = f"rule {self.rule} ({label})" if isinstance(self.rule, int) else label
        return f"{head} {self.case}: {self.message}" if self.case else f"{head}: {self.message}"

    @property
    def cases(self) -> tuple[str, ...]:
        return self.involves or ((self.case,) if self.case else ())
