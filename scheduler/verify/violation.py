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
    "S1": "session eligibility",
    "S2": "one team",
    "S3": "session time",
    "S4": "session place",
    "S5": "session safety",
    "S6": "no double booking",
    "S7": "session workload",
    "S8": "pinned sessions",
    "plan": "plan document",
    "objective": "objective",
}


@dataclass(frozen=True)
class Violation:
    """A broken rule: `rule` is 1–10, "S1"–"S8" (sessions), or "plan" or "objective"."""

    rule: int | str
    case: str | None
    message: str
    # Every case the violation involves (a room clash involves two); used to decide
    # whether a pinned meeting really breaks a rule. Not part of equality.
    involves: tuple[str, ...] = field(default=(), compare=False)
    # Journeys: every engagement involved, keyed by kind: ("conference", case id) or
    # ("session", session id); decides which pinned session or conference a clash breaks.
    engagements: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        label = RULE_NAMES.get(self.rule, str(self.rule))
        numbered = isinstance(self.rule, int) or str(self.rule).startswith("S")
        head = f"rule {self.rule} ({label})" if numbered else label
        return f"{head} {self.case}: {self.message}" if self.case else f"{head}: {self.message}"

    @property
    def cases(self) -> tuple[str, ...]:
        return self.involves or ((self.case,) if self.case else ())
