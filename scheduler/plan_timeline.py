"""The whole-plan timeline: one picture of a plan over its horizon (pure: no I/O).

Days run across, venues (or facilitators) down, each conference and each session a
block in its day's cell; the unscheduled cases are listed beneath. Sessions are told
apart from conferences, and from each other, by a class per kind (a venue session, a
home visit, a video call: `journey_view.MODE_WORDS`), a letter on the block, the legend
and the words said in full; by venue, home visits and video calls have a row each
("Home visits", "Video calls"), since they are at no venue. The same model and the same HTML serve
the web app's plan page (`/plans/{id}/timeline`) and the HTML report
(`scheduler.report`). On a phone (under 40rem) the grid reflows: each venue or
facilitator becomes a heading with its busy days listed under it, every block said in
full (day, time, case, place or lead).

Names, not ids: a block says the case's reference and the venue's or lead's name; ids
stay in the title and the small print. No party's personal data appears (a home
visit is "home visit", with no name or address).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jinja2 import Environment, select_autoescape

from scheduler.domain import Meeting, Plan, PlanSession, Problem
from scheduler.journey_view import MODE_WORDS
from scheduler.wording import reason_words

By = Literal["venue", "facilitator"]
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_day(day: dt.date) -> str:
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


@dataclass(frozen=True)
class TimelineBlock:
    case_id: str
    reference: str
    start: str  # HH:MM
    end: str
    status: str  # proposed | confirmed | pinned (as a person should read it)
    detail: str  # the other dimension: the lead and room (venue rows) or the venue (people rows)
    change: str = ""  # new | moved | restaffed | adjusted, on a draft's timeline
    kind: str = "conference"  # conference | venue | home | video (a session's mode)
    session_id: str = ""

    @property
    def kind_words(self) -> str:
        return "conference" if self.kind == "conference" else MODE_WORDS[self.kind]

    @property
    def letter(self) -> str:
        """A session's one-letter kind, shown instead of the hour on the narrow grid (the
        legend says them; the hour is in the title and the full text)."""
        return {"venue": "S", "home": "H", "video": "V"}.get(self.kind, "")

    @property
    def what(self) -> str:
        """What the block is: "RJ-2027-0012 conference", "RJ-2027-0012 home visit, session C12-V1"."""
        if self.kind == "conference":
            return f"{self.reference} conference"
        return f"{self.reference} {self.kind_words}, session {self.session_id}"

    @property
    def said(self) -> str:
        """The status and change in words."""
        if self.status == "was":
            return "in the confirmed plan; moved or cancelled by this one"
        return f"{self.status}, {self.change}" if self.change else self.status

    @property
    def title(self) -> str:
        return f"{self.what} [{self.case_id}], {self.start}–{self.end}, {self.detail} ({self.said})"


@dataclass(frozen=True)
class TimelineRow:
    key: str
    name: str
    cells: list[list[TimelineBlock]]  # one list per day of the horizon

    @property
    def meetings(self) -> int:
        return sum(1 for c in self.cells for b in c if b.kind == "conference")

    @property
    def sessions(self) -> int:
        return sum(1 for c in self.cells for b in c if b.kind != "conference")

    @property
    def counted(self) -> str:
        """Say "2 meetings, 3 sessions" (the sessions left out when there are none)."""
        m, s = self.meetings, self.sessions
        meetings, sessions = (
            f"{m} meeting{'' if m == 1 else 's'}",
            f"{s} session{'' if s == 1 else 's'}",
        )
        if not s:
            return meetings
        return f"{meetings}, {sessions}" if m else sessions


@dataclass(frozen=True)
class UnscheduledItem:
    case_id: str
    reference: str
    priority: int | None
    why: str
    codes: list[str]


@dataclass
class Timeline:
    by: By
    days: list[dt.date]
    rows: list[TimelineRow]
    idle: int  # venues or facilitators without a meeting in the plan (not drawn)
    unscheduled: list[UnscheduledItem] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return any(b.change for r in self.rows for c in r.cells for b in c)

    @property
    def has_was(self) -> bool:
        return any(b.status == "was" for r in self.rows for c in r.cells for b in c)

    @property
    def kinds(self) -> list[str]:
        """The session kinds drawn, in the legend's order."""
        drawn = {b.kind for r in self.rows for c in r.cells for b in c}
        return [k for k in ("venue", "home", "video") if k in drawn]


def build_timeline(
    problem: Problem,
    plan: Plan,
    *,
    by: By = "venue",
    statuses: dict[str, str] | None = None,
    changes: dict[str, str] | None = None,
    was: Sequence[Meeting] = (),
    session_statuses: dict[str, str] | None = None,
    session_changes: dict[str, str] | None = None,
    was_sessions: Sequence[PlanSession] = (),
) -> Timeline:
    """The plan as one picture. `statuses`: case → status to show (default the meeting's);
    `changes`: case → how the meeting differs from the confirmed plan (a draft's review);
    `was`: confirmed meetings the plan moves or drops, drawn where they were (greyed).
    `session_statuses`, `session_changes` and `was_sessions` are the same for sessions,
    by session id."""
    start, end = problem.horizon.start, problem.horizon.end
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    index = {d: i for i, d in enumerate(days)}
    cases, venues, facs = problem.case_by_id, problem.venue_by_id, problem.facilitator_by_id
    statuses, changes = statuses or {}, changes or {}
    s_statuses, s_changes = session_statuses or {}, session_changes or {}

    def fac_name(fid: str) -> str:
        f = facs.get(fid)
        return f.name if f else fid

    def venue_name(vid: str) -> str:
        v = venues.get(vid)
        return v.name if v else vid

    if by == "venue":
        keys = [v.id for v in problem.venues]
        names = {v.id: v.name for v in problem.venues}
    else:
        keys = [f.id for f in problem.facilitators]
        names = {f.id: f.name for f in problem.facilitators}
    grid: dict[str, list[list[TimelineBlock]]] = {}

    def rows_of(m: Meeting) -> list[str]:
        return [m.venue] if by == "venue" else m.facilitators

    drawn = [(m, False) for m in plan.meetings] + [(m, True) for m in was]
    for m, old in sorted(drawn, key=lambda mo: mo[0].start):
        i = index.get(m.start.date())
        if i is None:
            continue  # outside the horizon (a pinned meeting from before it)
        case = cases.get(m.case)
        for key in rows_of(m):
            if key not in names:
                keys.append(key)
                names[key] = venue_name(key) if by == "venue" else fac_name(key)
            if by == "venue":
                detail = f"room {m.room}, led by {fac_name(m.lead)}"
            else:
                role = "lead" if key == m.lead else "co-facilitator"
                detail = f"{venue_name(m.venue)} ({role})"
            cells = grid.setdefault(key, [[] for _ in days])
            cells[i].append(
                TimelineBlock(
                    case_id=m.case, reference=case.reference if case else m.case,
                    start=f"{m.start:%H:%M}", end=f"{m.end:%H:%M}",
                    status="was" if old else statuses.get(m.case, m.status), detail=detail,
                    change="" if old else changes.get(m.case, ""),
                )
            )  # fmt: skip
    pseudo = {"home": "Home visits", "video": "Video calls"}

    def session_rows(r: PlanSession) -> list[str]:
        if by == "facilitator":
            return r.facilitators
        return [r.venue or "?"] if r.mode == "venue" else [f"({r.mode})"]

    drawn_s = [(r, False) for r in plan.sessions] + [(r, True) for r in was_sessions]
    for r, old in sorted(drawn_s, key=lambda ro: ro[0].start):
        i = index.get(r.start.date())
        if i is None:
            continue
        case = cases.get(r.case)
        for key in session_rows(r):
            if key not in names:
                keys.append(key)
                if key.startswith("("):
                    names[key] = pseudo[key.strip("()")]
                else:
                    names[key] = venue_name(key) if by == "venue" else fac_name(key)
            lead = fac_name(r.lead)
            if by == "venue":
                detail = f"room {r.room}, led by {lead}" if r.mode == "venue" else f"led by {lead}"
            else:
                role = "lead" if key == r.lead else "co-facilitator"
                detail = f"{venue_name(r.venue or '')} ({role})" if r.mode == "venue" else role
            cells = grid.setdefault(key, [[] for _ in days])
            cells[i].append(
                TimelineBlock(
                    case_id=r.case, reference=case.reference if case else r.case,
                    start=f"{r.start:%H:%M}", end=f"{r.end:%H:%M}",
                    status="was" if old else s_statuses.get(r.session, r.status), detail=detail,
                    change="" if old else s_changes.get(r.session, ""),
                    kind=r.mode, session_id=r.session,
                )
            )  # fmt: skip
    for cells in grid.values():
        for cell in cells:
            cell.sort(key=lambda b: b.start)
    # The pseudo rows (home visits, video calls) come after the venues.
    keys.sort(key=lambda k: k.startswith("("))
    rows = [TimelineRow(k, names[k], grid[k]) for k in keys if k in grid]
    unscheduled = []
    for u in plan.unscheduled:
        case = cases.get(u.case)
        unscheduled.append(
            UnscheduledItem(
                case_id=u.case, reference=case.reference if case else u.case,
                priority=case.priority if case else None,
                why="; ".join(dict.fromkeys(reason_words(r.code) for r in u.reasons)),
                codes=list(dict.fromkeys(r.code for r in u.reasons)),
            )
        )  # fmt: skip
    unscheduled.sort(key=lambda u: (-(u.priority or 0), u.reference))
    return Timeline(by, days, rows, idle=len(keys) - len(rows), unscheduled=unscheduled)


def render_timeline(
    timeline: Timeline, *, links: bool = True, unscheduled: bool = True, inline_style: bool = False
) -> str:
    """The timeline as an HTML fragment (style it with `TIMELINE_CSS`): blocks link to
    their case pages when `links`; the unscheduled cases are listed under it when asked.
    The number of days is a `data-days` attribute that the web app's script applies;
    `inline_style` writes it as a style too, for a page without scripts (the report)."""
    return _FRAGMENT.render(
        t=timeline, links=links, unscheduled=unscheduled, short_day=short_day, months=_MONTHS,
        inline_style=inline_style,
    )  # fmt: skip


# One stylesheet for the web page (linked: the CSP allows no inline style) and the
# report (embedded: a report is one file).
TIMELINE_CSS = (Path(__file__).parent / "web" / "static" / "plan_timeline.css").read_text(
    encoding="utf-8"
)

_ENV = Environment(autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
_FRAGMENT = _ENV.from_string(
    """<ul class="tl-legend" aria-label="Key">
<li><span class="tl-b proposed">&nbsp;</span> proposed</li>
<li><span class="tl-b confirmed">&nbsp;</span> confirmed</li>
<li><span class="tl-b pinned">&nbsp;</span> pinned</li>
{% if t.has_changes %}<li><span class="tl-b proposed new">&nbsp;</span> new or changed against the confirmed plan</li>{% endif %}
{% if t.has_was %}<li><span class="tl-b was">&nbsp;</span> where a moved or cancelled confirmed meeting or session was</li>{% endif %}
{% for k in t.kinds %}<li><span class="tl-b proposed k-{{ k }}">{{ {"venue": "S", "home": "H", "video": "V"}[k] }}</span> {{ {"venue": "session at a venue", "home": "home visit", "video": "video call"}[k] }}</li>
{% endfor %}
</ul>
<div class="tl" role="region" aria-label="{{ 'Venues' if t.by == 'venue' else 'Facilitators' }} from {{ short_day(t.days[0]) }} to {{ short_day(t.days[-1]) }}" tabindex="0" data-days="{{ t.days|length }}"{% if inline_style %} style="--days: {{ t.days|length }}"{% endif %}>
<div class="tl-grid">
<div class="tl-head" aria-hidden="true"><span class="tl-corner">{{ 'Venue' if t.by == 'venue' else 'Facilitator' }}</span>
{% for d in t.days %}<span class="tl-day{% if d.weekday() == 0 %} mon{% endif %}{% if d.weekday() >= 5 %} we{% endif %}">{{ ("MTWTFSS")[d.weekday()] }}<br>{{ d.day }}{% if d.day == 1 or loop.first %}<br>{{ months[d.month - 1] }}{% endif %}</span>{% endfor %}
</div>
{% for row in t.rows %}
<div class="tl-row">
<h3 class="tl-name">{{ row.name }} <small>{% if not row.key.startswith("(") %}{{ row.key }} · {% endif %}{{ row.counted }}</small></h3>
{% for cell in row.cells %}{% set d = t.days[loop.index0] %}
<div class="tl-cell{% if not cell %} empty{% endif %}{% if d.weekday() == 0 %} mon{% endif %}{% if d.weekday() >= 5 %} we{% endif %}">
{% if cell %}<span class="tl-date">{{ short_day(d) }}</span><ul>
{% for b in cell %}<li>{% if links %}<a href="/cases/{{ b.case_id }}"{% else %}<span{% endif %} class="tl-b {{ b.status }} {{ b.change }} k-{{ b.kind }}" title="{{ b.title }}"><span class="tl-short" aria-hidden="true">{{ b.letter or b.start[:2] }}</span><span class="tl-long">{{ b.start }}–{{ b.end }} {{ b.what }}, {{ b.detail }} ({{ b.said }})</span>{% if links %}</a>{% else %}</span>{% endif %}</li>
{% endfor %}</ul>{% endif %}
</div>
{% endfor %}
</div>
{% endfor %}
</div>
</div>
{% if t.idle %}<p class="muted">{{ t.idle }} {{ 'venue' if t.by == 'venue' else 'facilitator' }}{{ "" if t.idle == 1 else "s" }} with no meeting in this plan {{ "is" if t.idle == 1 else "are" }} not drawn.</p>{% endif %}
{% if unscheduled %}
<h3>Unscheduled cases ({{ t.unscheduled|length }})</h3>
{% if t.unscheduled %}<ul class="tl-unscheduled">
{% for u in t.unscheduled %}<li>{% if links %}<a href="/cases/{{ u.case_id }}">{{ u.reference }}</a>{% else %}{{ u.reference }}{% endif %} <span class="muted">({{ u.case_id }}, priority {{ u.priority }})</span>: {{ u.why }} <small>{{ u.codes|join(", ") }}</small></li>
{% endfor %}</ul>{% else %}<p>None: every case is scheduled.</p>{% endif %}
{% endif %}
"""
)
