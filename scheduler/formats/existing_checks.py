"""Checks of `existing`: the previous plan's confirmed and pinned meetings.

Only structure is checked here (references resolve, times are real local times on
the grid); whether a kept meeting still obeys the hard rules is the verifier's job,
and a pinned meeting that breaks one is released, not refused. Nor is ``end`` checked
against today's ``duration_minutes``: a coordinator may change a case's length after
confirming its meeting, and re-planning must still work. Such a meeting is one that no
longer fits: the engine and the verifier re-derive its end from the new length; a
pinned one is released (``PIN_RELEASED``), a confirmed one is kept or moved as the
objective decides (kept at the same start and venue it costs no disruption).
Choice where the spec is silent: only the edges of each window (start, end, arrive,
leave, on-site start and end) must be clear local times; a window that spans the
clock change is a hard-rule matter (rule 3) for the verifier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from scheduler.domain import Case, Meeting, Venue, format_local
from scheduler.formats.errors import Issue
from scheduler.formats.id_index import Index
from scheduler.formats.parsed_records import Parts
from scheduler.timeutil import Clock


def local_time_issue(clock: Clock, value: dt.datetime) -> str | None:
    """Why a local time cannot be used for a presence window edge, or None if it can."""
    text = format_local(value)
    if not clock.exists(value):
        return f"{text} does not exist in {clock.zone_name} (the clocks go forward)"
    if clock.is_ambiguous(value):
        return f"{text} occurs twice in {clock.zone_name} (the clocks go back)"
    return None


def check_existing(parts: Parts, ix: Index, clock: Clock | None) -> Iterator[Issue]:
    seen_case: dict[str, int] = {}
    for i, m in parts.existing:
        at = f"existing[{i}]"
        if m.status not in ("confirmed", "pinned"):
            yield Issue(f"{at}.status", f"must be confirmed or pinned, not {m.status}")
        if m.case in seen_case:
            yield Issue(
                f"{at}.case",
                f"case {m.case!r} already has a meeting at existing[{seen_case[m.case]}]",
            )
        else:
            seen_case[m.case] = i
        case = ix.cases.get(m.case, (None, None))[1]
        if case is None and not ix.unparsed("cases", m.case):
            yield Issue(f"{at}.case", f"no case has id {m.case!r}")
        venue = ix.venues.get(m.venue, (None, None))[1]
        if venue is None and not ix.unparsed("venues", m.venue):
            yield Issue(f"{at}.venue", f"no venue has id {m.venue!r}")
        for path, fid in [(f"{at}.lead", m.lead)] + [
            (f"{at}.co_facilitators[{j}]", f) for j, f in enumerate(m.co_facilitators)
        ]:
            if not ix.facilitator_known(fid):
                yield Issue(path, f"no facilitator has id {fid!r}")
        if venue is not None:
            yield from _check_venue_refs(at, m, venue)
        if case is not None:
            yield from _check_attendance(at, m, case)
        if clock is not None:
            yield from _check_times(at, m, case, clock, parts.slot_minutes)


def _check_venue_refs(at: str, m: Meeting, venue: Venue) -> Iterator[Issue]:
    if venue.room(m.room) is None:
        yield Issue(f"{at}.room", f"venue {venue.id!r} has no room {m.room!r}")
    entrances = venue.entrances or []
    for j, a in enumerate(m.attendance):
        if a.waiting_room not in venue.waiting_rooms:
            yield Issue(
                f"{at}.attendance[{j}].waiting_room",
                f"venue {venue.id!r} has no waiting room {a.waiting_room!r}",
            )
        if a.entrance is not None and a.entrance not in entrances:
            yield Issue(
                f"{at}.attendance[{j}].entrance",
                f"venue {venue.id!r} has no entrance {a.entrance!r}",
            )


def _check_attendance(at: str, m: Meeting, case: Case) -> Iterator[Issue]:
    seen: set[str] = set()
    for j, a in enumerate(m.attendance):
        party = case.party(a.party)
        if party is None:
            yield Issue(f"{at}.attendance[{j}].party", f"case {case.id!r} has no party {a.party!r}")
            continue
        if a.party in seen:
            yield Issue(
                f"{at}.attendance[{j}].party", f"{a.party!r} has more than one attendance row"
            )
        seen.add(a.party)
        side = case.side_of(party)
        if side is not None and a.side != side:
            yield Issue(
                f"{at}.attendance[{j}].side",
                f"{a.party!r} is on the {side} side, not the {a.side} side",
            )


def _check_times(
    at: str, m: Meeting, case: Case | None, clock: Clock, slot: int | None
) -> Iterator[Issue]:
    edges = [(f"{at}.start", m.start), (f"{at}.end", m.end)]
    edges += [(f"{at}.facilitators_on_site.start", m.facilitators_on_site.start)]
    edges += [(f"{at}.facilitators_on_site.end", m.facilitators_on_site.end)]
    for j, a in enumerate(m.attendance):
        edges += [
            (f"{at}.attendance[{j}].arrive", a.arrive),
            (f"{at}.attendance[{j}].leave", a.leave),
        ]
    for path, value in edges:
        why = local_time_issue(clock, value)
        if why:
            yield Issue(path, why)
    on_site = m.facilitators_on_site
    for path, lo, hi in [(f"{at}.facilitators_on_site.end", on_site.start, on_site.end)] + [
        (f"{at}.attendance[{j}].leave", a.arrive, a.leave) for j, a in enumerate(m.attendance)
    ]:
        if lo >= hi:
            yield Issue(path, f"must be after the window's start ({format_local(lo)})")
    if slot and (m.start.hour * 60 + m.start.minute) % slot:
        yield Issue(
            f"{at}.start",
            f"must lie on the {slot}-minute grid (its minute of the day a multiple of {slot})",
        )
