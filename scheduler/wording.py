"""Plain words for what people read: the unscheduled reasons' codes, said as a sentence.

The codes are the spec's (`format.md`); every command and page that shows a reason to
a person leads with these words and keeps the code as small print.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from scheduler.domain import Case, Problem

REASON_WORDS = {
    "NO_CONSENT": "not everyone who must take part has consented",
    "NOT_ELIGIBLE_DIRECT": "this case may not have a direct meeting",
    "MISSING_APPROPRIATE_ADULT": "a young person has no appropriate adult attending",
    "NO_QUALIFIED_FACILITATOR": "no team of facilitators is qualified for this case",
    "NO_SAFE_VENUE": "no venue meets this case's safety and access needs",
    "NO_COMMON_TIME": "there is no time when everyone needed is free at a suitable venue",
    "CAPACITY": "it could be placed, but what it needs is taken by meetings ranked higher",
    "NO_PREPARATION_TIME": "the preparation sessions cannot all be held in time before the conference",
}


def reason_words(code: str) -> str:
    return REASON_WORDS.get(code, code.replace("_", " ").lower())


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b(?!T)")
_STARTS = re.compile(r"\bat (\d+) starts\b")
_N_STARTS = re.compile(r"^(\d+) starts\b")


def long_date(text: str) -> str:
    """'2027-03-01' → '1 March 2027' (no locale)."""
    m = _ISO_DATE.fullmatch(text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return text
    return f"{int(m.group(3))} {_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"


def id_names(problem: Problem, case: Case | None = None, *, parties: bool = True) -> dict[str, str]:
    """Id → 'Name (id)' for the case's parties, the facilitators, the venues and the cases.

    Without `parties`, parties keep their ids: for pages that show many cases at once
    and so must not show a party's name (the web app's plan pages).

    An id that names two different kinds of record (ids are unique only within a kind)
    is left as it is rather than guessed.
    """
    seen: dict[str, set[str]] = {}
    named: dict[str, str] = {}

    def add(kind: str, ident: str, text: str) -> None:
        seen.setdefault(ident, set()).add(kind)
        named[ident] = text

    for c in problem.cases:
        add("case", c.id, f"{c.reference} ({c.id})")
    for c in ([case] if case is not None else problem.cases) if parties else []:
        for p in c.parties:
            add("party", p.id, f"{p.name} ({p.id})")
    for f in problem.facilitators:
        add("facilitator", f.id, f"{f.name} ({f.id})")
    for v in problem.venues:
        add("venue", v.id, f"{v.name} ({v.id})")
    return {i: t for i, t in named.items() if len(seen[i]) == 1}


def humanise(text: str, problem: Problem, case: Case | None = None, *, parties: bool = True) -> str:
    """An engine message for people: names beside ids, dates in words, no 'at 3 starts'."""
    names = id_names(problem, case, parties=parties)
    if names:
        pattern = re.compile(
            r"(?<![\w-])("
            + "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
            + r")(?![\w-])"
        )
        text = pattern.sub(lambda m: names[m.group(1)], text)
    text = _ISO_DATE.sub(lambda m: long_date(m.group(0)), text)
    text = _STARTS.sub(lambda m: f"at {_times(int(m.group(1)))}", text)
    return _N_STARTS.sub(lambda m: _times(int(m.group(1))), text)


def _times(n: int) -> str:
    return f"{n} possible start time{'' if n == 1 else 's'}"


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def when(local: dt.datetime) -> str:
    """'Friday 12 March 2027 at 09:45' (no locale)."""
    return (
        f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year} "
        f"at {local:%H:%M}"
    )


def _place(problem: Problem, start: dt.datetime, venue: str, lead: str) -> str:
    v = problem.venue_by_id.get(venue)
    f = problem.facilitator_by_id.get(lead)
    led = f" led by {f.name}" if f else ""
    return f"{when(start)} at {v.name if v else venue}{led}"


def _case_name(problem: Problem, case_id: str) -> str:
    c = problem.case_by_id.get(case_id)
    return f"{c.reference} ({case_id})" if c else case_id


def advice_lines(problem: Problem, advice: Any) -> list[str]:
    """What it would take to place a case (a `make_room.Advice`), in plain words."""
    name = _case_name(problem, advice.case_id)
    case = problem.case_by_id.get(advice.case_id)
    if advice.placements:
        return [f"{name} fits the plan as it stands: {len(advice.placements)} free option(s)."]
    if not advice.make_room:
        out = [f"No free time and place fits {name}, and moving other meetings would not help:"]
        for r in advice.reasons:
            out.append(
                f"{reason_words(r.code).capitalize()}: {humanise(r.message, problem, case)} ({r.code})."
            )
        return out
    n = min(len(r.moves) for r in advice.make_room)
    out = [
        f"No free time and place fits {name} as the plan stands, but moving "
        f"{'one other meeting' if n == 1 else 'two other meetings'} would make room "
        "(nothing has been moved):"
    ]
    for i, option in enumerate(advice.make_room, start=1):
        moved = " and ".join(
            f"{_case_name(problem, m.case_id)}, {'not yet confirmed' if m.status == 'proposed' else m.status}, "
            f"now {_place(problem, m.now.start, m.now.venue, m.now.lead)}"
            for m in option.moves
        )
        p = option.placement
        line = f"{i}. Move {moved}. {name} could then go on {_place(problem, p.start, p.venue, p.lead)}"
        for m in option.moves:
            if m.to is None:
                line += f"; {_case_name(problem, m.case_id)} would then need another time, and none is free"
            else:
                line += f"; {_case_name(problem, m.case_id)} could move to {_place(problem, m.to.start, m.to.venue, m.to.lead)}"
        out.append(line + ".")
    return out
