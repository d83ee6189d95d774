"""Checks of the case-journey keys (spec journeys.md): sessions, `existing_sessions`, plan sessions.

Structure only, as for meetings: references resolve, ids are unique, `after` makes no
cycle, times are real local times on the grid. Whether a session obeys S1–S8 is the
checker's job (`scheduler.verify`), and a pinned session that breaks a rule is
released there, not refused here.

Choices where the spec is silent (also in docs/formats.md):
- a session's `party` is a victim or offender of its own case (never a supporter:
  supporters come with the party they support);
- `after` may chain (A after B after C) but never loops, and never names the session
  itself; the checks report a cycle once, at the first session of it in the document;
- an existing session needs `venue` and `room` exactly when its mode is `venue`, names
  each facilitator once, and its case and session must be today's: a session removed
  from its case is simply left out of `existing_sessions` by whoever writes it;
- an existing session whose mode is no longer among today's `modes`, or whose length
  changed, is accepted (a rule matter for the checker: pinned ones are released).
"""

from __future__ import annotations

from collections.abc import Iterator

from scheduler.domain import Case, PlanSession, Problem, Venue, format_local
from scheduler.formats.errors import Issue
from scheduler.formats.existing_checks import local_time_issue
from scheduler.formats.id_index import Index
from scheduler.formats.parsed_records import Parts
from scheduler.timeutil import Clock

# --------------------------------------------------------------------------- cases


def check_case_sessions(parts: Parts, ix: Index) -> Iterator[Issue]:
    """Session ids unique across the problem; party, modes and `after` of each session."""
    seen: dict[str, str] = {}
    for i, c in parts.cases:
        at = f"cases[{i}]"
        if not c.conference and not c.sessions:
            yield Issue(
                f"{at}.sessions",
                "must list at least one session when conference is false (the sessions are the whole case)",
            )
        for j, p in enumerate(c.parties):
            if p.address is not None and not p.address.strip():
                yield Issue(
                    f"{at}.parties[{j}].address",
                    "must not be blank (leave it out, and a home visit goes to the home's coordinates)",
                )
        for j, s in enumerate(c.sessions):
            path = f"{at}.sessions[{j}]"
            if s.id in seen:
                yield Issue(f"{path}.id", f"duplicate session id {s.id!r} (also at {seen[s.id]})")
            else:
                seen[s.id] = f"{path}.id"
            yield from _check_session_party(path, c, s.party, ix)
            for k, mode in enumerate(s.modes):
                if mode in s.modes[:k]:
                    yield Issue(f"{path}.modes[{k}]", f"repeats the mode {mode!r}")
            yield from _check_after(path, c, s.id, s.after, ix)
        yield from _check_cycles(at, c)


def _check_session_party(path: str, c: Case, pid: str, ix: Index) -> Iterator[Issue]:
    party = c.party(pid)
    if party is None:
        other = ix.case_id_of_party(pid)
        where = f" (that party is in case {other!r})" if other else ""
        yield Issue(
            f"{path}.party",
            f"must name a victim or offender of this case; {pid!r} is not in case {c.id!r}{where}",
        )
    elif party.role == "supporter":
        yield Issue(
            f"{path}.party",
            f"must name a victim or offender, not the supporter {pid!r} (supporters come with the party they support)",
        )


def _check_after(path: str, c: Case, sid: str, after: str | None, ix: Index) -> Iterator[Issue]:
    if after is None:
        return
    if after == sid:
        yield Issue(f"{path}.after", f"names the session itself ({sid!r}); it must name another")
    elif c.session(after) is None:
        other = next(
            (oc.id for _, oc in ix.parts.cases if oc.id != c.id and oc.session(after)), None
        )
        where = f" (that session is in case {other!r})" if other else ""
        yield Issue(
            f"{path}.after",
            f"must name another session of case {c.id!r}; {after!r} is not one{where}",
        )


def _check_cycles(at: str, c: Case) -> Iterator[Issue]:
    """One issue per cycle of `after` links, at the first session of the cycle."""
    follows = {s.id: s.after for s in c.sessions if s.after and s.after != s.id}
    reported: set[str] = set()
    for j, s in enumerate(c.sessions):
        if s.id in reported:
            continue
        chain = [s.id]
        nxt = follows.get(s.id)
        while nxt is not None and nxt not in chain and c.session(nxt) is not None:
            chain.append(nxt)
            nxt = follows.get(nxt)
        if nxt == s.id:
            reported.update(chain)
            loop = " → ".join([*chain, s.id])
            yield Issue(f"{at}.sessions[{j}].after", f"makes a cycle of after: {loop}")


# --------------------------------------------------------------------------- session rows


def session_row_issues(at: str, row: PlanSession, slot: int | None) -> Iterator[Issue]:
    """What a plan or existing session row must hold on its own: venue and room for
    `venue` only, each facilitator once, windows forwards, start on the grid."""
    if row.mode == "venue":
        for key in ("venue", "room"):
            if getattr(row, key) is None:
                yield Issue(f"{at}.{key}", "is required for a session at a venue")
    else:
        for key in ("venue", "room"):
            if getattr(row, key) is not None:
                yield Issue(f"{at}.{key}", f"is allowed only when mode is venue, not {row.mode}")
    for j, fid in enumerate(row.facilitators):
        if fid in row.facilitators[:j]:
            yield Issue(f"{at}.facilitators[{j}]", f"names facilitator {fid!r} twice")
    if row.start >= row.end:
        yield Issue(f"{at}.end", f"must be after start ({format_local(row.start)})")
    if row.on_site.start >= row.on_site.end:
        yield Issue(f"{at}.on_site.end", f"must be after start ({format_local(row.on_site.start)})")
    if slot and (row.start.hour * 60 + row.start.minute) % slot:
        yield Issue(
            f"{at}.start",
            f"must lie on the {slot}-minute grid (its minute of the day a multiple of {slot})",
        )


def _row_time_issues(at: str, row: PlanSession, clock: Clock) -> Iterator[Issue]:
    edges = [(f"{at}.start", row.start), (f"{at}.end", row.end)]
    edges += [(f"{at}.on_site.start", row.on_site.start), (f"{at}.on_site.end", row.on_site.end)]
    for path, value in edges:
        why = local_time_issue(clock, value)
        if why:
            yield Issue(path, why)


def _venue_refs(at: str, row: PlanSession, venue: Venue | None) -> Iterator[Issue]:
    if row.venue is not None and venue is None:
        yield Issue(f"{at}.venue", f"no venue has id {row.venue!r}")
    elif venue is not None and row.room is not None and venue.room(row.room) is None:
        yield Issue(f"{at}.room", f"venue {venue.id!r} has no room {row.room!r}")


def _session_ref(at: str, row: PlanSession, case: Case | None, owner: Case | None) -> Issue | None:
    """Does the row's session belong to its case? (`owner`: the case that has that session.)"""
    if case is None or case.session(row.session) is not None:
        return None
    if owner is not None:
        return Issue(
            f"{at}.session",
            f"session {row.session!r} belongs to case {owner.id!r}, not {case.id!r}",
        )
    return Issue(f"{at}.session", f"case {case.id!r} has no session {row.session!r}")


# --------------------------------------------------------------------------- existing_sessions


def check_existing_sessions(parts: Parts, ix: Index, clock: Clock | None) -> Iterator[Issue]:
    seen: dict[str, int] = {}
    owners = {s.id: c for _, c in parts.cases for s in c.sessions}
    for k, row in parts.existing_sessions:
        at = f"existing_sessions[{k}]"
        if row.status not in ("confirmed", "pinned"):
            yield Issue(f"{at}.status", f"must be confirmed or pinned, not {row.status}")
        if row.session in seen:
            yield Issue(
                f"{at}.session",
                f"session {row.session!r} already has an entry at existing_sessions[{seen[row.session]}]",
            )
        else:
            seen[row.session] = k
        case = ix.cases.get(row.case, (None, None))[1]
        if case is None and not ix.unparsed("cases", row.case):
            yield Issue(f"{at}.case", f"no case has id {row.case!r}")
        if case is not None:
            issue = _session_ref(at, row, case, owners.get(row.session))
            if issue is not None and not ix.unparsed("sessions", row.session):
                yield issue
        venue = ix.venues.get(row.venue, (None, None))[1] if row.venue is not None else None
        if row.venue is None or not ix.unparsed("venues", row.venue):
            yield from _venue_refs(at, row, venue)
        for j, fid in enumerate(row.facilitators):
            if not ix.facilitator_known(fid):
                yield Issue(f"{at}.facilitators[{j}]", f"no facilitator has id {fid!r}")
        yield from session_row_issues(at, row, parts.slot_minutes)
        if clock is not None:
            yield from _row_time_issues(at, row, clock)


# --------------------------------------------------------------------------- plans


def plan_session_issues(plan_sessions: list[PlanSession]) -> Iterator[Issue]:
    """Shape of a plan's sessions, without the problem (the grid needs the problem)."""
    for i, row in enumerate(plan_sessions):
        yield from session_row_issues(f"sessions[{i}]", row, None)


def plan_session_reference_issues(
    plan_sessions: list[PlanSession], problem: Problem
) -> Iterator[Issue]:
    """Every reference of a plan's sessions that does not resolve in `problem`; each session once."""
    seen: dict[str, str] = {}
    for i, row in enumerate(plan_sessions):
        at = f"sessions[{i}]"
        case = problem.case_by_id.get(row.case)
        if case is None:
            yield Issue(f"{at}.case", f"no case has id {row.case!r}")
        issue = _session_ref(at, row, case, problem.case_of_session.get(row.session))
        if issue is not None:
            yield issue
        if row.session in seen:
            yield Issue(
                f"{at}.session",
                f"session {row.session!r} appears again (first at {seen[row.session]})",
            )
        else:
            seen[row.session] = at
        venue = problem.venue_by_id.get(row.venue) if row.venue is not None else None
        yield from _venue_refs(at, row, venue)
        for j, fid in enumerate(row.facilitators):
            if fid not in problem.facilitator_by_id:
                yield Issue(f"{at}.facilitators[{j}]", f"no facilitator has id {fid!r}")
