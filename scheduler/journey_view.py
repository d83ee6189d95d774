"""A case's journey for people to read, and sessions as timeline blocks (pure: no I/O).

The case page lists a case's journey in order: its sessions, earliest first (those the
plan does not hold after them, in the case's own order), then the conference. A
timeline shows sessions beside conferences, each kind with its own class and words
(home visit, video call, session at a venue), so that colour is never the only
difference. People and places appear by name. The whole-plan timeline and the draft
review can call `session_blocks` and `journey_rows` as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.domain import Case, Meeting, Plan, PlanSession, Problem

MODE_WORDS = {"venue": "session at a venue", "home": "home visit", "video": "video call"}
ROLE_WORDS = {"victim": "Victim", "offender": "Offender", "supporter": "Supporter"}
DAY_FROM, DAY_TO = 7 * 60, 21 * 60  # the visible part of a day on a week timeline


@dataclass(frozen=True)
class JourneyRow:
    """One step of a case's journey as the case page shows it."""

    kind: str  # "session" | "conference"
    step: str  # "Session C12-V1" or "Conference"
    who: str  # "Victim: Amina Osman", or "Both sides" for the conference
    mode: str  # "home visit", "video call", "session at a venue", "conference"
    mode_class: str  # "home" | "video" | "venue" | "conference" (for styling)
    place: str  # by name: "Handsworth Police Station, room R2", "Amina Osman's home"
    when: str  # "Monday 08 March 2027, 09:15–10:15", or "" when not placed
    state: str  # "confirmed" | "pinned" | "proposed" | "not placed"
    facilitators: str  # "Sarah Evans (lead), Ayesha Iqbal"
    session_id: str | None = None
    start: dt.datetime | None = None


def _names(problem: Problem, ids: list[str]) -> str:
    out = []
    for i, fid in enumerate(ids):
        f = problem.facilitator_by_id.get(fid)
        name = f.name if f else fid
        out.append(f"{name} (lead)" if i == 0 else name)
    return ", ".join(out)


def _when(start: dt.datetime, end: dt.datetime) -> str:
    return f"{start.strftime('%A %d %B %Y')}, {start:%H:%M}–{end:%H:%M}"


def session_place(problem: Problem, case: Case | None, row: PlanSession) -> str:
    """Where a session is held, by name (the party's name for a home visit)."""
    if row.mode == "video":
        return "video or phone call"
    if row.mode == "home":
        spec = case.session(row.session) if case else None
        party = case.party(spec.party) if case and spec else None
        return f"{party.name}'s home" if party else "the party's home"
    venue = problem.venue_by_id.get(row.venue or "")
    name = venue.name if venue else (row.venue or "a venue")
    return f"{name}, room {row.room}" if row.room else name


def _who(case: Case, party_id: str) -> str:
    party = case.party(party_id)
    if party is None:
        return party_id
    return f"{ROLE_WORDS.get(party.role, party.role)}: {party.name}"


def journey_rows(problem: Problem, plan: Plan | None, case_id: str) -> list[JourneyRow]:
    """The case's sessions in order (placed ones by start), then its conference."""
    meeting = next((m for m in (plan.meetings if plan else []) if m.case == case_id), None)
    return steps(problem, case_id, meeting, plan.sessions if plan else [])


def steps(
    problem: Problem, case_id: str, meeting: Meeting | None, sessions: Iterable[PlanSession]
) -> list[JourneyRow]:
    """`journey_rows` for one journey given as its conference and session rows (a
    suggestion, say): the sessions in order, then the conference."""
    case = problem.case_by_id.get(case_id)
    if case is None:
        return []
    placed = {s.session: s for s in sessions if s.case == case_id}
    rows: list[JourneyRow] = []
    for spec in case.sessions:
        row = placed.get(spec.id)
        if row is None:
            modes = " or ".join(MODE_WORDS[m] for m in spec.modes)
            rows.append(
                JourneyRow(
                    kind="session", step=f"Session {spec.id}", who=_who(case, spec.party),
                    mode=modes, mode_class="unplaced", place="", when="", state="not placed",
                    facilitators="", session_id=spec.id,
                )
            )  # fmt: skip
            continue
        rows.append(
            JourneyRow(
                kind="session", step=f"Session {spec.id}", who=_who(case, spec.party),
                mode=MODE_WORDS[row.mode], mode_class=row.mode,
                place=session_place(problem, case, row), when=_when(row.start, row.end),
                state=row.status, facilitators=_names(problem, row.facilitators),
                session_id=spec.id, start=row.start,
            )
        )  # fmt: skip
    # Placed sessions by start (local wall-clock times, all naive); then the unplaced.
    order = {spec.id: i for i, spec in enumerate(case.sessions)}
    placed_rows = sorted((r for r in rows if r.start), key=lambda r: r.start)  # type: ignore[arg-type,return-value]
    unplaced = sorted((r for r in rows if not r.start), key=lambda r: order[r.session_id or ""])
    rows = [*placed_rows, *unplaced]
    if case.conference:
        rows.append(_conference_row(problem, meeting))
    return rows


def _conference_row(problem: Problem, meeting: Meeting | None) -> JourneyRow:
    if meeting is None:
        return JourneyRow(
            kind="conference", step="Conference", who="Both sides", mode="conference",
            mode_class="conference", place="", when="", state="not placed", facilitators="",
        )  # fmt: skip
    venue = problem.venue_by_id.get(meeting.venue)
    place = f"{venue.name if venue else meeting.venue}, room {meeting.room}"
    return JourneyRow(
        kind="conference", step="Conference", who="Both sides", mode="conference",
        mode_class="conference", place=place, when=_when(meeting.start, meeting.end),
        state=meeting.status, facilitators=_names(problem, meeting.facilitators),
        start=meeting.start,
    )  # fmt: skip


# --------------------------------------------------------------------------- timelines


def block_span(start: dt.datetime, end: dt.datetime) -> tuple[float, float]:
    """Where a block sits in its day's column: top and height, in percent of the day."""
    a = max(DAY_FROM, start.hour * 60 + start.minute)
    b = min(DAY_TO, end.hour * 60 + end.minute if end.date() == start.date() else DAY_TO)
    span = DAY_TO - DAY_FROM
    return 100 * (a - DAY_FROM) / span, max(4.0, 100 * (b - a) / span)


@dataclass(frozen=True)
class SessionBlock:
    """One session on a week timeline (the same fields as a conference's block, and its kind)."""

    case_id: str
    reference: str
    day: dt.date
    start: str  # HH:MM
    end: str
    top: float  # percent of the visible day
    height: float
    label: str
    status: str
    kind: str  # "home" | "video" | "venue"
    kind_words: str  # "home visit", "video call", "session at a venue"
    session_id: str


def session_blocks(
    problem: Problem,
    sessions: Iterable[PlanSession],
    monday: dt.date,
    *,
    facilitator_id: str | None = None,
    venue_id: str | None = None,
) -> dict[dt.date, list[SessionBlock]]:
    """The week's sessions (of one facilitator, at one venue, or all) as blocks per day.

    A block spans the facilitators' time on site (for a call: the call itself) and says
    what it is in words; a home visit names no address and no one's name (a timeline is
    shown to anyone signed in, on a wall screen as often as not).
    """
    days: dict[dt.date, list[SessionBlock]] = {monday + dt.timedelta(days=i): [] for i in range(7)}
    for row in sessions:
        if facilitator_id is not None and facilitator_id not in row.facilitators:
            continue
        if venue_id is not None and row.venue != venue_id:
            continue
        start, end = (
            (row.start, row.end) if row.mode == "video" else (row.on_site.start, row.on_site.end)
        )
        if start.date() not in days:
            continue
        top, height = block_span(start, end)
        case = problem.case_by_id.get(row.case)
        reference = case.reference if case else row.case
        if row.mode == "venue":
            venue = problem.venue_by_id.get(row.venue or "")
            where = f" · {venue.name if venue else row.venue}"
        else:
            where = ""
        days[start.date()].append(
            SessionBlock(
                case_id=row.case,
                reference=reference,
                day=start.date(),
                start=start.strftime("%H:%M"),
                end=end.strftime("%H:%M"),
                top=top,
                height=height,
                label=f"{MODE_WORDS[row.mode].capitalize()}: {reference}{where}",
                status=row.status,
                kind=row.mode,
                kind_words=MODE_WORDS[row.mode],
                session_id=row.session,
            )
        )
    for blocks in days.values():
        blocks.sort(key=lambda blk: blk.start)
    return days
