"""Typed, immutable domain objects: the problem and plan documents of `docs/formats.md`.

The models *are* the documents: field names match the JSON keys, unknown keys are
rejected, and every optional key that was absent stays unset, so that
``model_dump(exclude_unset=True)`` gives back exactly the document that was read.
Defaults that depend on other fields (``protect_victim_locality``,
``facilitators_required`` for sensitive-and-complex cases) are read through the
``effective_*`` properties, never stored.

Cross-record checks (ids, references, dates inside the horizon) live in
``scheduler.formats``; this module only knows the shape of each record.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
)

from scheduler.safe_text import (
    MAX_ID,
    Address,
    Email,
    Message,
    Name,
    ProblemName,
    Reference,
    ShortText,
    bounded_text,
)

# --------------------------------------------------------------------------- values


# Years outside this range are refused (the spec is silent): nothing real is planned
# there, and arithmetic near year 1 or 9999 overflows Python's datetime.
YEARS = range(1900, 3000)
_YEARS_TEXT = f"between {YEARS.start} and {YEARS.stop - 1}"


def _parse_date(value: object) -> object:
    if isinstance(value, str):
        try:
            if len(value) != 10:
                raise ValueError
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("must be a date written YYYY-MM-DD") from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        if value.year not in YEARS:
            raise ValueError(f"must be a date in a year {_YEARS_TEXT}")
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


def _parse_local_datetime(value: object) -> object:
    if isinstance(value, str):
        try:
            if len(value) != 16 or value[10] != "T":
                raise ValueError
            value = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M")  # noqa: DTZ007 (local wall time by design)
        except ValueError:
            raise ValueError("must be a local date-time written YYYY-MM-DDTHH:MM") from None
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        if value.year not in YEARS:
            raise ValueError(f"must be a date-time in a year {_YEARS_TEXT}")
        return value.replace(second=0, microsecond=0)
    raise ValueError("must be a local date-time written YYYY-MM-DDTHH:MM")


def _parse_clock(value: object) -> object:
    """'HH:MM' (or '24:00') → minutes after midnight."""
    if isinstance(value, str) and len(value) == 5 and value[2] == ":":
        hh, mm = value[:2], value[3:]
        if hh.isdigit() and mm.isdigit():
            h, m = int(hh), int(mm)
            if (h < 24 and m < 60) or (h == 24 and m == 0):
                return h * 60 + m
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 1440:
        return value
    raise ValueError("must be a time of day written HH:MM (00:00 to 24:00)")


def format_local(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


LocalDate = Annotated[
    dt.date,
    BeforeValidator(_parse_date),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
]
LocalDateTime = Annotated[
    dt.datetime,
    BeforeValidator(_parse_local_datetime),
    PlainSerializer(format_local, return_type=str),
]
ClockMinutes = Annotated[
    int, BeforeValidator(_parse_clock), PlainSerializer(format_clock, return_type=str)
]


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Id = Annotated[str, Field(min_length=1), AfterValidator(_non_blank), bounded_text(MAX_ID)]
# Bounds on numbers (none in the spec): far beyond any real value, so that nothing
# absurd reaches the solver, a database column (PostgreSQL's integer is 32-bit) or a
# JSON export. Floats are finite everywhere (`Record` refuses NaN and Infinity).
MAX_MINUTES = 24 * 60  # a meeting, a margin, a wait: at most a day
MAX_KM = 40_000.0  # the Earth's circumference
MAX_WEIGHT = 1_000_000
MAX_COUNT = 10_000  # meetings per day or week, room capacity
MAX_OBJECTIVE = 2**31 - 1
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Level = Literal["foundation", "intermediate", "advanced"]
Skill = Literal[
    "sensitive_complex", "domestic_abuse", "sexual_harm", "hate_crime", "youth", "prison"
]
VenueKind = Literal["community", "police", "probation", "office", "prison"]
Offence = Literal[
    "burglary",
    "theft",
    "criminal_damage",
    "assault",
    "robbery",
    "public_order",
    "domestic_abuse",
    "sexual_harm",
    "hate_crime",
    "stalking",
    "other",
]
Risk = Literal["low", "medium", "high"]
Role = Literal["victim", "offender", "supporter"]
Side = Literal["victim", "offender"]
Relationship = Literal["parent_carer", "friend", "family", "professional"]
SessionMode = Literal["venue", "home", "video"]

SENSITIVE_OFFENCES = frozenset({"domestic_abuse", "sexual_harm", "hate_crime", "stalking"})
VICTIM_INITIATED_ONLY = frozenset({"domestic_abuse", "sexual_harm"})


class Record(BaseModel):
    """Base of every document record: strict types, no unknown keys, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    def to_doc(self) -> dict:
        return self.model_dump(mode="json", exclude_unset=True)


class Location(Record):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Window(Record):
    """A half-open local window [start, end)."""

    start: LocalDateTime
    end: LocalDateTime


class WeeklyPattern(Record):
    days: list[Day] = Field(min_length=1)
    from_: ClockMinutes = Field(alias="from")
    to: ClockMinutes

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class Availability(Record):
    weekly: list[WeeklyPattern] | None = None
    dates: list[Window] | None = None
    unavailable: list[Window] = Field(default_factory=list)

    @property
    def is_always(self) -> bool:
        """No weekly pattern and no dates: the base is the whole horizon."""
        return self.weekly is None and self.dates is None


ALWAYS = Availability()


class Weights(Record):
    wait_per_day: int = Field(default=1, ge=0, le=MAX_WEIGHT)
    continuity: int = Field(default=20, ge=0, le=MAX_WEIGHT)
    travel_per_km: int = Field(default=1, ge=0, le=MAX_WEIGHT)
    interpreter: int = Field(default=10, ge=0, le=MAX_WEIGHT)
    gender_preference: int = Field(default=10, ge=0, le=MAX_WEIGHT)
    max_load: int = Field(default=5, ge=0, le=MAX_WEIGHT)
    remote_session: int = Field(
        default=20, ge=0, le=MAX_WEIGHT
    )  # journeys: each session held by video


class Policy(Record):
    settle_minutes: int = Field(default=15, ge=0, le=MAX_MINUTES)
    stagger_minutes: int = Field(default=15, ge=0, le=MAX_MINUTES)
    facilitator_before_minutes: int = Field(default=45, ge=0, le=MAX_MINUTES)
    facilitator_after_minutes: int = Field(default=30, ge=0, le=MAX_MINUTES)
    min_victim_home_distance_km: float = Field(default=3.0, ge=0, le=MAX_KM)
    travel_speed_kmh: float = Field(default=30.0, gt=0, le=MAX_KM)
    weights: Weights = Field(default_factory=Weights)
    # journeys (spec journeys.md)
    preparation_gap_days: int = Field(default=2, ge=0)
    session_margin_minutes: int = Field(default=15, ge=0)


# --------------------------------------------------------------------------- people and places


class Facilitator(Record):
    id: Id
    name: Name
    email: Email
    home: Location
    level: Level
    skills: list[Skill] = Field(default_factory=list)
    languages: list[ShortText] = Field(default_factory=lambda: ["en"])
    gender: ShortText | None = None
    max_meetings_per_day: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    max_meetings_per_week: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    max_travel_km: float | None = Field(default=None, ge=0, le=MAX_KM)
    availability: Availability = Field(default_factory=Availability)
    conflicts: list[Id] = Field(default_factory=list)
    max_sessions_per_week: int | None = Field(default=None, ge=1)  # journeys

    @cached_property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name

    def has(self, skill: str) -> bool:
        return skill in self.skills


class Room(Record):
    id: Id
    capacity: int = Field(ge=1, le=MAX_COUNT)


class Venue(Record):
    id: Id
    name: Name
    kind: VenueKind
    address: Address | None = None
    location: Location
    rooms: list[Room] = Field(min_length=1)
    waiting_rooms: list[Id] = Field(min_length=2)
    separate_entrances: bool = False
    entrances: list[ShortText] | None = None
    step_free: bool = False
    hearing_loop: bool = False
    prison: Name | None = None
    availability: Availability = Field(default_factory=Availability)

    def room(self, room_id: str) -> Room | None:
        return next((r for r in self.rooms if r.id == room_id), None)


class Needs(Record):
    step_free: bool = False
    hearing_loop: bool = False
    language: ShortText = "en"


class GenderWish(Record):
    value: ShortText
    required: bool = False


class ExclusionZone(Record):
    center: Location
    radius_km: float = Field(ge=0, le=MAX_KM)


class Party(Record):
    id: Id
    role: Role
    supports: Id | None = None
    relationship: Relationship | None = None
    name: Name
    email: Email | None = None
    home: Location | None = None
    age: int | None = Field(default=None, ge=0, le=150)
    consent: bool | None = None
    in_custody: Name | None = None
    needs: Needs = Field(default_factory=Needs)
    facilitator_gender: GenderWish | None = None
    max_travel_km: float | None = Field(default=None, ge=0, le=MAX_KM)
    exclusion_zones: list[ExclusionZone] = Field(default_factory=list)
    availability: Availability = Field(default_factory=Availability)
    address: str | None = None  # journeys: where a home visit goes (invites only)

    @property
    def consented(self) -> bool:
        return self.consent is True

    @property
    def is_adult(self) -> bool:
        return self.age is None or self.age >= 18

    @property
    def under_16(self) -> bool:
        return self.age is not None and self.age < 16

    @property
    def under_18(self) -> bool:
        return self.age is not None and self.age < 18


def _venue_only() -> list[SessionMode]:
    return ["venue"]


class Session(Record):
    """A preparation session of a case (journeys): the facilitators meet one party."""

    id: Id
    party: Id
    modes: list[SessionMode] = Field(default_factory=_venue_only, min_length=1)
    duration_minutes: int = Field(ge=1)
    team: bool = False
    after: Id | None = None


class Case(Record):
    id: Id
    reference: Reference
    offence: Offence
    risk: Risk
    referred_on: LocalDate | None = None
    priority: int = Field(default=3, ge=1, le=5)
    earliest: LocalDate | None = None
    latest: LocalDate | None = None
    duration_minutes: int = Field(ge=1, le=MAX_MINUTES)
    facilitators_required: Literal[1, 2] = 2
    victim_initiated: bool = False
    protect_victim_locality: bool | None = None
    requires_separate_entrances: bool = False
    first_to_arrive: Side = "offender"
    preferred_facilitators: list[Id] = Field(default_factory=list)
    parties: list[Party] = Field(min_length=2)
    conference: bool = True  # journeys: false for an indirect route (sessions only)
    sessions: list[Session] = Field(default_factory=list)

    # ---- derived facts (one place for each) -------------------------------------
    @property
    def sensitive_complex(self) -> bool:
        return self.offence in SENSITIVE_OFFENCES or self.risk == "high"

    @property
    def effective_facilitators_required(self) -> int:
        return 2 if self.sensitive_complex else self.facilitators_required

    @property
    def effective_protect_victim_locality(self) -> bool:
        if self.protect_victim_locality is None:
            return self.sensitive_complex
        return self.protect_victim_locality

    @property
    def victims(self) -> list[Party]:
        return [p for p in self.parties if p.role == "victim"]

    @property
    def offenders(self) -> list[Party]:
        return [p for p in self.parties if p.role == "offender"]

    @property
    def principals(self) -> list[Party]:
        """Victims and offenders."""
        return [p for p in self.parties if p.role != "supporter"]

    def party(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.id == party_id), None)

    def side_of(self, party: Party) -> Side | None:
        """The side a party is on: its role, or for a supporter the side of whom it supports."""
        if party.role != "supporter":
            return party.role  # type: ignore[return-value]
        supported = self.party(party.supports) if party.supports else None
        if supported is None or supported.role == "supporter":
            return None
        return supported.role  # type: ignore[return-value]

    @property
    def attendees(self) -> list[Party]:
        """Everyone who attends: victims, offenders and consenting supporters."""
        return [p for p in self.parties if p.role != "supporter" or p.consented]

    def side_attendees(self, side: Side) -> list[Party]:
        return [p for p in self.attendees if self.side_of(p) == side]

    @property
    def custody_prisons(self) -> frozenset[str]:
        return frozenset(p.in_custody for p in self.offenders if p.in_custody)

    @property
    def in_custody(self) -> bool:
        return bool(self.custody_prisons)

    def session(self, session_id: str) -> Session | None:
        return next((s for s in self.sessions if s.id == session_id), None)

    def session_attendees(self, session: Session) -> list[Party]:
        """The session's party and the consenting supporters who support it."""
        return [
            p
            for p in self.parties
            if p.id == session.party
            or (p.role == "supporter" and p.consented and p.supports == session.party)
        ]

    def has_appropriate_adult(self, side: Side) -> bool:
        return any(
            p.role == "supporter" and p.relationship == "parent_carer" and p.consented
            for p in self.side_attendees(side)
        )


# --------------------------------------------------------------------------- plans


class Attendance(Record):
    party: Id
    side: Side
    waiting_room: Id
    entrance: ShortText | None = None
    arrive: LocalDateTime
    leave: LocalDateTime


class Meeting(Record):
    case: Id
    status: Literal["proposed", "confirmed", "pinned"]
    start: LocalDateTime
    end: LocalDateTime
    venue: Id
    room: Id
    lead: Id
    co_facilitators: list[Id] = Field(default_factory=list)
    facilitators_on_site: Window
    attendance: list[Attendance]

    @property
    def facilitators(self) -> list[str]:
        return [self.lead, *self.co_facilitators]


class PlanSession(Record):
    """A session of a plan (journeys); the first facilitator is the lead."""

    case: Id
    session: Id
    status: Literal["proposed", "confirmed", "pinned"]
    mode: SessionMode
    venue: Id | None = None
    room: Id | None = None
    start: LocalDateTime
    end: LocalDateTime
    facilitators: list[Id] = Field(min_length=1)
    on_site: Window

    @property
    def lead(self) -> str:
        return self.facilitators[0]


ReasonCode = Literal[
    "NO_CONSENT",
    "NOT_ELIGIBLE_DIRECT",
    "MISSING_APPROPRIATE_ADULT",
    "NO_QUALIFIED_FACILITATOR",
    "NO_SAFE_VENUE",
    "NO_COMMON_TIME",
    "CAPACITY",
    "NO_PREPARATION_TIME",
]


class Reason(Record):
    code: ReasonCode
    message: Message


class Unscheduled(Record):
    case: Id
    reasons: list[Reason] = Field(min_length=1)


class Objective(Record):
    disruption: int = Field(ge=-MAX_OBJECTIVE, le=MAX_OBJECTIVE)
    scheduled_priority: int = Field(ge=-MAX_OBJECTIVE, le=MAX_OBJECTIVE)
    soft_cost: int = Field(ge=-MAX_OBJECTIVE, le=MAX_OBJECTIVE)


class SolverInfo(Record):
    status: Literal["OPTIMAL", "FEASIBLE"]
    wall_seconds: float = Field(ge=0, le=10**9)
    bound: Objective


class Warning_(Record):
    code: ShortText
    case: Id
    session: Id | None = None  # journeys: a PIN_RELEASED warning about a session names it
    message: Message


class Horizon(Record):
    start: LocalDate
    end: LocalDate


class Problem(Record):
    format: Literal["rj-problem/1"]
    name: ProblemName
    timezone: ShortText = "Europe/London"
    horizon: Horizon
    slot_minutes: int = Field(default=15, ge=1, le=1440)
    policy: Policy = Field(default_factory=Policy)
    facilitators: list[Facilitator] = Field(default_factory=list)
    venues: list[Venue] = Field(default_factory=list)
    cases: list[Case] = Field(default_factory=list)
    keep_apart: list[Annotated[list[Id], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list
    )
    existing: list[Meeting] = Field(default_factory=list)
    existing_sessions: list[PlanSession] = Field(default_factory=list)  # journeys

    # Lookups, built once per (immutable) problem.
    @cached_property
    def facilitator_by_id(self) -> dict[str, Facilitator]:
        return {f.id: f for f in self.facilitators}

    @cached_property
    def venue_by_id(self) -> dict[str, Venue]:
        return {v.id: v for v in self.venues}

    @cached_property
    def case_by_id(self) -> dict[str, Case]:
        return {c.id: c for c in self.cases}

    @cached_property
    def case_of_party(self) -> dict[str, Case]:
        return {p.id: c for c in self.cases for p in c.parties}

    @cached_property
    def party_by_id(self) -> dict[str, Party]:
        return {p.id: p for c in self.cases for p in c.parties}

    @cached_property
    def case_of_session(self) -> dict[str, Case]:
        """Session id → its case (session ids are unique across the problem)."""
        return {s.id: c for c in self.cases for s in c.sessions}

    @property
    def has_journeys(self) -> bool:
        """Any case with sessions or without a conference, or any existing session."""
        return bool(self.existing_sessions) or any(
            c.sessions or not c.conference for c in self.cases
        )

    @cached_property
    def prison_venues(self) -> dict[str, list[Venue]]:
        out: dict[str, list[Venue]] = {}
        for v in self.venues:
            if v.kind == "prison" and v.prison:
                out.setdefault(v.prison, []).append(v)
        return out

    def case_earliest(self, case: Case) -> dt.date:
        return case.earliest or self.horizon.start

    def case_latest(self, case: Case) -> dt.date:
        return case.latest or self.horizon.end


class Plan(Record):
    format: Literal["rj-plan/1"]
    problem: ProblemName
    meetings: list[Meeting] = Field(default_factory=list)
    sessions: list[PlanSession] = Field(default_factory=list)  # journeys
    unscheduled: list[Unscheduled] = Field(default_factory=list)
    objective: Objective
    solver: SolverInfo
    warnings: list[Warning_] = Field(default_factory=list)
