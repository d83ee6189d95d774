"""Reviewing a plan before it is confirmed: its meetings by name, why cases are left out,
what it changes against the confirmed plan, and how many messages confirming it sends.

`review` reads and writes nothing (the message counts are a dry run of the outbox's own
diff, `invites.outbox.preview_invites`, so the count shown is what confirming queues).
`confirm_reviewed` is the one way a coordinator confirms (web and CLI): the independent
checker first (`invites.confirm_check`, a refusal raises `PlanRejected`), then, when the
plan would move or drop a meeting that people already have in their calendars, an
explicit acknowledgement naming exactly those meetings, then `invites.outbox.confirm_plan`.

Choices where the spec is silent (docs/web.md, "Confirming knowingly"):

- The changes are `jobs.replan_problem.describe_changes` against the confirmed plan's
  meetings: *moved* is a new start or venue, *re-staffed* other facilitators at the
  same time and place, *adjusted* the same time, place and team with another room,
  waiting room or arrival times.
- Only a moved or dropped confirmed (or pinned) meeting needs the second
  acknowledgement: those are the changes that make people rearrange their day. The
  acknowledgement is a short digest of the plan pair and those meetings, so one given
  on a page that is out of date (another plan was confirmed meanwhile) is refused.
- Sessions (journeys) are compared session by session with the confirmed plan's
  sessions, in the same kinds: *moved* is a new start, mode or venue (what level 1
  of the objective counts), *re-staffed* other facilitators, *adjusted* another room
  only. A moved or dropped confirmed session needs the acknowledgement like a
  meeting. A session is named by its case, its id and whom it is with (the party's
  role, not name), its mode and place (a home visit is "the party's home", never an
  address), its time and its team.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from scheduler.domain import Meeting, Plan, PlanSession, Problem
from scheduler.invites.confirm_check import check_before_confirm
from scheduler.invites.content import Sender
from scheduler.invites.outbox import QueueSummary, confirm_plan, preview_invites
from scheduler.jobs.replan_problem import describe_changes
from scheduler.journey_changes import session_changes
from scheduler.journey_view import MODE_WORDS, ROLE_WORDS, session_place
from scheduler.storage.models import PlanRow
from scheduler.storage.plans import (
    confirmed_meetings,
    confirmed_sessions,
    get_plan_or_raise,
    latest_plan,
    plan_document,
)
from scheduler.storage.problems import export_problem
from scheduler.wording import humanise, reason_words, when

CHANGE_KINDS = ("new", "moved", "restaffed", "adjusted", "dropped", "unchanged")
CHANGE_WORDS = {
    "new": "New",
    "moved": "Moved (new time or place)",
    "restaffed": "Re-staffed (other facilitators)",
    "adjusted": "Adjusted (room or arrival times)",
    "dropped": "Dropped (cancelled)",
    "unchanged": "Unchanged",
}
ACTIONS = ("request", "update", "cancel")
ACTION_WORDS = {"request": "new invites", "update": "updates", "cancel": "cancellations"}
RECIPIENT_KINDS = ("facilitator", "victim", "offender", "supporter", "party")


def shown_status(plan_status: str, meeting_status: str) -> str:
    """The status a person should read: a confirmed plan's proposals are confirmed now."""
    if meeting_status == "proposed" and plan_status in ("confirmed", "superseded"):
        return "confirmed"
    return meeting_status


@dataclass(frozen=True)
class MeetingView:
    """One meeting, by name (ids kept for links and small print)."""

    case_id: str
    reference: str
    status: str
    start: dt.datetime
    end: dt.datetime
    venue_id: str
    venue: str
    room: str
    lead_id: str
    lead: str
    co: list[tuple[str, str]]

    @property
    def when(self) -> str:
        return f"{when(self.start)}–{self.end:%H:%M}"

    @property
    def place(self) -> str:
        return f"{self.venue}, room {self.room}"

    @property
    def team(self) -> str:
        return ", ".join([self.lead, *(name for _, name in self.co)])

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case_id, "reference": self.reference, "status": self.status,
            "start": f"{self.start:%Y-%m-%dT%H:%M}", "end": f"{self.end:%Y-%m-%dT%H:%M}",
            "venue": {"id": self.venue_id, "name": self.venue}, "room": self.room,
            "lead": {"id": self.lead_id, "name": self.lead},
            "co_facilitators": [{"id": i, "name": n} for i, n in self.co],
        }  # fmt: skip


def meeting_view(problem: Problem, m: Meeting, status: str | None = None) -> MeetingView:
    case = problem.case_by_id.get(m.case)
    venue = problem.venue_by_id.get(m.venue)
    facs = problem.facilitator_by_id

    def name(fid: str) -> str:
        f = facs.get(fid)
        return f.name if f else fid

    return MeetingView(
        case_id=m.case, reference=case.reference if case else m.case, status=status or m.status,
        start=m.start, end=m.end, venue_id=m.venue, venue=venue.name if venue else m.venue,
        room=m.room, lead_id=m.lead, lead=name(m.lead), co=[(f, name(f)) for f in m.co_facilitators],
    )  # fmt: skip


@dataclass(frozen=True)
class ReasonView:
    code: str
    words: str
    message: str


@dataclass(frozen=True)
class UnscheduledView:
    case_id: str
    reference: str
    priority: int | None
    reasons: list[ReasonView]


@dataclass(frozen=True)
class Change:
    kind: str
    case_id: str
    reference: str
    before: MeetingView | None
    after: MeetingView | None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.case_id}"

    @property
    def label(self) -> str:
        return "Conference"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "case": self.case_id, "reference": self.reference,
            "before": self.before.to_json() if self.before else None,
            "after": self.after.to_json() if self.after else None,
        }  # fmt: skip


@dataclass(frozen=True)
class SessionView:
    """One session of a journey, by name: case, which session and with whom, how, where, when, team."""

    case_id: str
    reference: str
    session_id: str
    label: str  # "Session C12-V1 with the victim"
    status: str
    mode: str  # venue | home | video
    mode_words: str  # "session at a venue", "home visit", "video call"
    place: str  # "Handsworth Police Station, room R2", "the party's home", "video or phone call"
    start: dt.datetime
    end: dt.datetime
    venue_id: str | None
    lead_id: str
    lead: str
    co: list[tuple[str, str]]

    @property
    def when(self) -> str:
        return f"{when(self.start)}–{self.end:%H:%M}"

    @property
    def team(self) -> str:
        return ", ".join([self.lead, *(name for _, name in self.co)])

    @property
    def venue(self) -> str:
        """Where, in the words a one-line summary uses ("at …")."""
        return self.place if self.mode == "venue" else f"a {self.mode_words}"

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case_id, "reference": self.reference, "session": self.session_id,
            "label": self.label, "status": self.status, "mode": self.mode,
            "mode_words": self.mode_words, "place": self.place,
            "start": f"{self.start:%Y-%m-%dT%H:%M}", "end": f"{self.end:%Y-%m-%dT%H:%M}",
            "venue": self.venue_id,
            "lead": {"id": self.lead_id, "name": self.lead},
            "co_facilitators": [{"id": i, "name": n} for i, n in self.co],
        }  # fmt: skip


def session_view(problem: Problem, row: PlanSession, status: str | None = None) -> SessionView:
    case = problem.case_by_id.get(row.case)
    spec = case.session(row.session) if case else None
    party = case.party(spec.party) if case and spec else None
    with_whom = f" with the {ROLE_WORDS.get(party.role, party.role).lower()}" if party else ""
    # A review page names no party and gives no address: the home is "the party's home".
    place = "the party's home" if row.mode == "home" else session_place(problem, case, row)
    facs = problem.facilitator_by_id

    def name(fid: str) -> str:
        f = facs.get(fid)
        return f.name if f else fid

    return SessionView(
        case_id=row.case, reference=case.reference if case else row.case,
        session_id=row.session, label=f"Session {row.session}{with_whom}",
        status=status or row.status, mode=row.mode, mode_words=MODE_WORDS[row.mode],
        place=place, start=row.start, end=row.end, venue_id=row.venue,
        lead_id=row.lead, lead=name(row.lead), co=[(f, name(f)) for f in row.facilitators[1:]],
    )  # fmt: skip


@dataclass(frozen=True)
class SessionChange:
    """One session against the confirmed plan (`kind` as for meetings), with what differs."""

    kind: str
    case_id: str
    reference: str
    session_id: str
    before: SessionView | None
    after: SessionView | None
    details: list[str] = field(default_factory=list)  # "Time: was …; now …"

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.case_id}:{self.session_id}"

    @property
    def label(self) -> str:
        return (self.after or self.before).label  # type: ignore[union-attr]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "case": self.case_id, "reference": self.reference,
            "session": self.session_id, "label": self.label, "details": self.details,
            "before": self.before.to_json() if self.before else None,
            "after": self.after.to_json() if self.after else None,
        }  # fmt: skip


def _session_kind(old: PlanSession | None, new: PlanSession | None) -> str:
    if old is None:
        return "new"
    if new is None:
        return "dropped"
    if (old.start, old.mode, old.venue) != (new.start, new.mode, new.venue):
        return "moved"
    if old.facilitators != new.facilitators:
        return "restaffed"
    if (old.room, old.end, old.on_site) != (new.room, new.end, new.on_site):
        return "adjusted"
    return "unchanged"


def compare_sessions(
    problem: Problem, confirmed: list[PlanSession], plan: Plan
) -> dict[str, list[SessionChange]]:
    """`plan`'s sessions against the confirmed plan's, session by session, by name."""
    before = {r.session: r for r in confirmed}
    after = {r.session: r for r in plan.sessions}
    details = {c.session_id: c.details for c in session_changes(problem, confirmed, plan.sessions)}
    out: dict[str, list[SessionChange]] = {k: [] for k in CHANGE_KINDS}
    for sid in before.keys() | after.keys():
        old, new = before.get(sid), after.get(sid)
        row = new or old
        assert row is not None
        case = problem.case_by_id.get(row.case)
        out[_session_kind(old, new)].append(
            SessionChange(
                kind=_session_kind(old, new), case_id=row.case,
                reference=case.reference if case else row.case, session_id=sid,
                before=session_view(problem, old) if old else None,
                after=session_view(problem, new) if new else None,
                details=details.get(sid, []),
            )
        )  # fmt: skip
    for items in out.values():
        items.sort(key=lambda c: ((c.after or c.before).start, c.reference, c.session_id))  # type: ignore[union-attr]
    return out


@dataclass
class MessageCounts:
    """What confirming would queue: (recipient kind, action) → messages."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    unchanged: int = 0

    def of(self, kind: str, action: str) -> int:
        return self.counts[(kind, action)]

    def kind_total(self, kind: str) -> int:
        return sum(n for (k, _), n in self.counts.items() if k == kind)

    def action_total(self, action: str) -> int:
        return sum(n for (_, a), n in self.counts.items() if a == action)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def kinds(self) -> list[str]:
        present = {k for k, _ in self.counts}
        return [k for k in RECIPIENT_KINDS if k in present]

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "unchanged": self.unchanged,
            **{a: self.action_total(a) for a in ACTIONS},
            "by_recipient": {k: {a: self.of(k, a) for a in ACTIONS} for k in self.kinds},
        }


@dataclass
class Review:
    plan_id: int
    status: str
    kind: str
    created_at: dt.datetime
    objective: dict[str, int]
    problem: Problem
    meetings: list[MeetingView]
    unscheduled: list[UnscheduledView]
    confirmed_plan_id: int | None
    changes: dict[str, list[Change]]
    messages: MessageCounts
    sessions: list[SessionView] = field(default_factory=list)
    session_changes: dict[str, list[SessionChange]] = field(
        default_factory=lambda: {k: [] for k in CHANGE_KINDS}
    )

    @property
    def disrupted(self) -> list[Change | SessionChange]:
        """Confirmed meetings and sessions this plan would move or drop: they need the
        acknowledgement."""
        if self.status == "confirmed":
            return []
        sc = self.session_changes
        return [*self.changes["moved"], *self.changes["dropped"], *sc["moved"], *sc["dropped"]]

    @property
    def disrupted_noun(self) -> str:
        """'meeting', 'session' or 'meeting or session' (plural with an s), as `disrupted` holds."""
        n = len(self.disrupted)
        kinds = {isinstance(c, SessionChange) for c in self.disrupted}
        word = {frozenset({False}): "meeting", frozenset({True}): "session"}.get(
            frozenset(kinds), "meeting and session"
        )
        if n == 1:
            return word
        return "meetings and sessions" if word == "meeting and session" else f"{word}s"

    @property
    def disrupted_verb(self) -> str:
        """'move', 'be cancelled' or 'move or be cancelled', as `disrupted` holds."""
        kinds = {c.kind for c in self.disrupted}
        return {frozenset({"moved"}): "move", frozenset({"dropped"}): "be cancelled"}.get(
            frozenset(kinds), "move or be cancelled"
        )

    @property
    def acknowledgement(self) -> str | None:
        """The token a coordinator sends back to accept `disrupted` (None: nothing to accept)."""
        if not self.disrupted:
            return None
        text = "|".join(
            [str(self.plan_id), str(self.confirmed_plan_id)] + [c.key for c in self.disrupted]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.changes.items()}

    def session_counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.session_changes.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "status": self.status,
            "confirmed_plan_id": self.confirmed_plan_id,
            "counts": self.counts(),
            "changes": {k: [c.to_json() for c in v] for k, v in self.changes.items() if k != "unchanged"},
            "unchanged": [c.case_id for c in self.changes["unchanged"]],
            "session_counts": self.session_counts(),
            "session_changes": {
                k: [c.to_json() for c in v] for k, v in self.session_changes.items() if k != "unchanged"
            },
            "unchanged_sessions": [c.session_id for c in self.session_changes["unchanged"]],
            "messages": self.messages.to_json(),
            "needs_acknowledgement": [c.to_json() for c in self.disrupted],
            "acknowledgement": self.acknowledgement,
            "unscheduled": [
                {"case": u.case_id, "reference": u.reference,
                 "reasons": [{"code": r.code, "words": r.words, "message": r.message} for r in u.reasons]}
                for u in self.unscheduled
            ],
        }  # fmt: skip


def _recipient_kind(problem: Problem, kind: str, recipient_id: str) -> str:
    if kind == "facilitator":
        return "facilitator"
    party = problem.party_by_id.get(recipient_id)
    return party.role if party else "party"  # an erased or removed party


def preview_messages(
    session: Session, problem: Problem, plan: Plan, sender: Sender | None = None
) -> MessageCounts:
    """A dry run of the outbox for `plan`: the messages per recipient kind and action."""
    out = MessageCounts()
    for step in preview_invites(session, problem=problem, plan=plan, sender=sender):
        if step.action == "unchanged":
            out.unchanged += 1
        else:
            who = _recipient_kind(problem, step.recipient_kind, step.recipient_id)
            out.counts[(who, step.action)] += 1
    return out


def compare(problem: Problem, confirmed: list[Meeting], plan: Plan) -> dict[str, list[Change]]:
    """`plan` against the confirmed meetings, case by case, by name."""
    before = {m.case: m for m in confirmed}
    after = {m.case: m for m in plan.meetings}
    found = describe_changes(confirmed, plan)
    groups = {
        "new": found.added, "moved": found.moved, "restaffed": found.restaffed,
        "adjusted": found.adjusted, "dropped": found.dropped, "unchanged": found.unchanged,
    }  # fmt: skip
    out: dict[str, list[Change]] = {}
    for kind in CHANGE_KINDS:
        items = []
        for case_id in groups[kind]:
            old, new = before.get(case_id), after.get(case_id)
            case = problem.case_by_id.get(case_id)
            items.append(
                Change(
                    kind=kind, case_id=case_id, reference=case.reference if case else case_id,
                    before=meeting_view(problem, old) if old else None,
                    after=meeting_view(problem, new) if new else None,
                )
            )  # fmt: skip
        items.sort(key=lambda c: ((c.after or c.before).start, c.reference))  # type: ignore[union-attr]
        out[kind] = items
    return out


def _unscheduled(problem: Problem, plan: Plan) -> list[UnscheduledView]:
    out = []
    for u in plan.unscheduled:
        case = problem.case_by_id.get(u.case)
        reasons = [
            ReasonView(r.code, reason_words(r.code), humanise(r.message, problem, parties=False))
            for r in u.reasons
        ]
        out.append(
            UnscheduledView(
                u.case, case.reference if case else u.case, case.priority if case else None, reasons
            )
        )
    out.sort(key=lambda u: (-(u.priority or 0), u.reference))
    return out


def review(session: Session, plan_id: int, sender: Sender | None = None) -> Review:
    """Everything a coordinator needs to judge plan `plan_id` (writes nothing)."""
    row: PlanRow = get_plan_or_raise(session, plan_id)
    plan = plan_document(session, plan_id)
    problem = export_problem(session)
    current = latest_plan(session, "confirmed")
    confirmed = confirmed_meetings(session) if current is not None else []
    confirmed_rows = confirmed_sessions(session) if current is not None else []
    meetings = sorted(
        (meeting_view(problem, m, shown_status(row.status, m.status)) for m in plan.meetings),
        key=lambda v: (v.start, v.reference),
    )
    sessions = sorted(
        (session_view(problem, s, shown_status(row.status, s.status)) for s in plan.sessions),
        key=lambda v: (v.start, v.reference, v.session_id),
    )
    return Review(
        plan_id=plan_id,
        status=row.status,
        kind=row.kind,
        created_at=row.created_at,
        objective=plan.objective.to_doc(),
        problem=problem,
        meetings=meetings,
        unscheduled=_unscheduled(problem, plan),
        confirmed_plan_id=current.id if current is not None else None,
        changes=compare(problem, confirmed, plan),
        messages=preview_messages(session, problem, plan, sender),
        sessions=sessions,
        session_changes=compare_sessions(problem, confirmed_rows, plan),
    )


class ChangesNotAcknowledged(Exception):
    """Confirming would move or drop confirmed meetings or sessions and that was not
    acknowledged."""

    def __init__(self, reviewed: Review, stale: bool = False) -> None:
        self.review = reviewed
        self.meetings = reviewed.disrupted
        self.stale = stale
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.meetings)
        named = "; ".join(said(c) for c in self.meetings)
        why = (
            "the acknowledgement given is out of date (the plans changed since the page was read)"
            if self.stale
            else "that needs an explicit acknowledgement"
        )
        return (
            f"plan {self.review.plan_id} was not confirmed: it would move or cancel "
            f"{n} confirmed {self.review.disrupted_noun} ({named}), and {why}; nothing was queued"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "message": str(self),
            "plan_id": self.review.plan_id,
            "acknowledgement": self.review.acknowledgement,
            "meetings": [c.to_json() for c in self.meetings],
        }


def said(c: Change | SessionChange) -> str:
    what = c.reference if isinstance(c, Change) else f"{c.reference}, {c.label},"
    if c.kind == "dropped" or c.after is None:
        assert c.before is not None
        return f"{what} on {c.before.when} at {c.before.venue} cancelled"
    assert c.before is not None
    return f"{what} moved from {c.before.when} at {c.before.venue} to {c.after.when} at {c.after.venue}"


@dataclass
class Confirmed:
    review: Review
    queued: QueueSummary
    acknowledged: list[str]

    def audit_details(self) -> dict[str, Any]:
        m = self.review.messages
        return {
            "queued": self.queued.queued,
            "requests": self.queued.requests,
            "updates": self.queued.updates,
            "cancels": self.queued.cancels,
            "changes": {k: v for k, v in self.review.counts().items() if v},
            "session_changes": {k: v for k, v in self.review.session_counts().items() if v},
            "messages": m.to_json()["by_recipient"],
            "acknowledged": self.acknowledged,
            "replaces": self.review.confirmed_plan_id,
        }


def confirm_reviewed(
    session: Session,
    plan_id: int,
    *,
    now: dt.datetime,
    sender: Sender | None = None,
    acknowledged: bool | str | None = None,
) -> Confirmed:
    """Confirm plan `plan_id` knowingly: checked, acknowledged where needed, then queued.

    `acknowledged` is True (the CLI's ``--accept-changes``: accept whatever it moves) or
    the `Review.acknowledgement` token the page or API client was shown. Raises
    `PlanRejected` (the checker refused it) or `ChangesNotAcknowledged` before anything
    is written; `PlanNotFoundError` / `NoProblemError` as `confirm_plan` does.
    """
    reviewed = review(session, plan_id, sender)
    plan = plan_document(session, plan_id)
    check_before_confirm(reviewed.problem, plan, plan_id=plan_id)
    token = reviewed.acknowledgement
    if token is not None and acknowledged is not True:
        if not acknowledged:
            raise ChangesNotAcknowledged(reviewed)
        if acknowledged != token:
            raise ChangesNotAcknowledged(reviewed, stale=True)
    queued = confirm_plan(session, plan_id=plan_id, now=now, sender=sender)
    return Confirmed(reviewed, queued, [c.key for c in reviewed.disrupted])
