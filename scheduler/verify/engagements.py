"""Sessions of a plan with their derived windows, and every engagement (conference or session).

Spec journeys.md: a session `[s, e)` of party X has X and X's consenting supporters
present `[s, e)`, and its facilitators `[s − M, e + M)` (`M` = session_margin_minutes)
for `venue` and `home`, `[s, e)` for `video`. `e` is derived from the session's
`duration_minutes`, never read from the plan (as for conferences).

Ids are unique only within their kind: an engagement is keyed `("conference", case id)`
or `("session", session id)`, a person `("facilitator", id)` or `("party", id)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from scheduler.domain import Case, Facilitator, Location, Party, PlanSession, Session, Venue
from scheduler.verify.plan_context import Interval, attending

if TYPE_CHECKING:
    from scheduler.verify.plan_context import Context

EngagementKey = tuple[Literal["conference", "session"], str]
PersonKey = tuple[Literal["facilitator", "party"], str]


@dataclass(frozen=True)
class SessionUse:
    """A plan session whose case, session, facilitators and (for `venue`) venue all exist."""

    row: PlanSession
    case: Case
    spec: Session
    party: Party
    attendees: tuple[Party, ...]  # the party and its consenting supporters
    venue: Venue | None  # set for mode venue
    facilitators: tuple[Facilitator, ...]
    s: int
    e: int
    on_site: Interval  # the facilitators' window (and the room's, at a venue)
    presence: Interval  # the party's and supporters' window

    @property
    def key(self) -> EngagementKey:
        return ("session", self.spec.id)

    @property
    def label(self) -> str:
        return f"session {self.spec.id}"

    @property
    def guarded_home_visit(self) -> bool:
        """A home visit to an offender, or in an S&C case: a team visit of at least two (S4)."""
        return self.row.mode == "home" and (
            self.party.role == "offender" or self.case.sensitive_complex
        )

    @property
    def team_visit(self) -> bool:
        """Attended by the whole team: `team`, or a guarded home visit whatever `team` says."""
        return self.spec.team or self.guarded_home_visit

    @property
    def place(self) -> Location | None:
        """Where the facilitators go: the venue, the visited home, or nowhere (video)."""
        if self.row.mode == "venue" and self.venue is not None:
            return self.venue.location
        if self.row.mode == "home":
            return self.party.home
        return None


def session_uses(ctx: Context) -> list[SessionUse]:
    """The plan's checkable sessions (the document checks report the others)."""
    p = ctx.problem
    margin = p.policy.session_margin_minutes
    out = []
    for row in ctx.plan.sessions:
        case = p.case_by_id.get(row.case)
        spec = case.session(row.session) if case is not None else None
        party = case.party(spec.party) if case is not None and spec is not None else None
        if case is None or spec is None or party is None:
            continue
        if any(f not in p.facilitator_by_id for f in row.facilitators):
            continue
        venue = None
        if row.mode == "venue":
            venue = p.venue_by_id.get(row.venue) if row.venue is not None else None
            if venue is None:
                continue
        if not ctx.clock.exists(row.start):
            continue  # reported by the document checks; no instant to check against
        s = ctx.clock.instant(row.start, "start")
        e = s + spec.duration_minutes
        m = 0 if row.mode == "video" else margin
        out.append(
            SessionUse(
                row=row,
                case=case,
                spec=spec,
                party=party,
                attendees=tuple(case.session_attendees(spec)),
                venue=venue,
                facilitators=tuple(p.facilitator_by_id[f] for f in dict.fromkeys(row.facilitators)),
                s=s,
                e=e,
                on_site=(s - m, e + m),
                presence=(s, e),
            )
        )
    return out


@dataclass(frozen=True)
class Engagement:
    """A conference or a session, as the rules across engagements see it."""

    key: EngagementKey
    case: str
    label: str
    start: int
    on_site: Interval
    facilitators: tuple[str, ...]
    people: tuple[tuple[PersonKey, Interval], ...]  # everyone present, with their window
    venue: Venue | None  # where it is held, for a conference or a venue session
    room: str | None
    place: Location | None  # where facilitators go (None: a video session)


def engagements(ctx: Context) -> list[Engagement]:
    """Every checkable conference and session of the plan."""
    out = []
    for m, case, venue, t in ctx.checkable:
        people: list[tuple[PersonKey, Interval]] = [
            (("facilitator", f), t.on_site) for f in dict.fromkeys(m.facilitators)
        ]
        people += [(("party", p.id), t.side_window(side)) for p, side in attending(case)]
        out.append(
            Engagement(
                key=("conference", case.id),
                case=case.id,
                label=f"the conference of {case.id}",
                start=t.s,
                on_site=t.on_site,
                facilitators=tuple(dict.fromkeys(m.facilitators)),
                people=tuple(people),
                venue=venue,
                room=m.room,
                place=venue.location,
            )
        )
    for u in ctx.session_uses:
        people = [(("facilitator", f.id), u.on_site) for f in u.facilitators]
        people += [(("party", p.id), u.presence) for p in u.attendees]
        out.append(
            Engagement(
                key=u.key,
                case=u.case.id,
                label=u.label,
                start=u.s,
                on_site=u.on_site,
                facilitators=tuple(f.id for f in u.facilitators),
                people=tuple(people),
                venue=u.venue,
                room=u.row.room if u.venue is not None else None,
                place=u.place,
            )
        )
    return out
