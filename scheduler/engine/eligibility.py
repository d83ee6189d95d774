"""Rule 1 (eligibility and consent) as the pre-filter checks it: a pure function of the case."""

from __future__ import annotations

from scheduler.domain import Case, Reason


def eligibility(case: Case) -> list[Reason]:
    """Rule 1: consent, victim-initiated DA/SH, appropriate adult for under-16s. Empty = eligible."""
    out: list[Reason] = []
    missing = [p.id for p in case.principals if not p.consented]
    if missing:
        out.append(Reason(code="NO_CONSENT", message=f"no consent from {', '.join(missing)}"))
    if case.offence in ("domestic_abuse", "sexual_harm") and not case.victim_initiated:
        out.append(
            Reason(
                code="NOT_ELIGIBLE_DIRECT",
                message=f"{case.offence.replace('_', ' ')} case not initiated by the victim",
            )
        )
    for p in case.attendees:
        side = case.side_of(p)
        if p.under_16 and side is not None and not case.has_appropriate_adult(side):
            out.append(
                Reason(
                    code="MISSING_APPROPRIATE_ADULT",
                    message=f"{p.id} is under 16 and the {side} side has no consenting parent or carer",
                )
            )
    return out
