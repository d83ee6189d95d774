"""The whole-plan timeline: one picture of a plan over its horizon (pure: no I/O).

Days run across, venues (or facilitators) down, each conference a block in its day's
cell; the unscheduled cases are listed beneath. The same model and the same HTML serve
the web app's plan page (`/plans/{id}/timeline`) and the HTML report
(`scheduler.report`). On a phone (under 40rem) the grid reflows: each venue or
facilitator becomes a heading with its busy days listed under it, every block said in
full (day, time, case, place or lead).

Names, not ids: a block says the case's reference and the venue's or lead's name; ids
stay in the title and the small print. No party's personal data appears.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jinja2 import Environment, select_autoescape

from scheduler.domain import Meeting, Plan, Problem
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

    @property
    def said(self) -> str:
        """The status and change in words."""
        if self.status == "was":
            return "in the confirmed plan; moved or cancelled by this one"
        return f"{self.status}, {self.change}" if self.change else self.status

    @property
    def title(self) -> str:
        return f"{self.reference} ({self.case_id}), {self.start}–{self.end}, {self.detail} ({self.said})"


@dataclass(frozen=True)
class TimelineRow:
    key: str
    name: str
    cells: list[list[TimelineBlock]]  # one list per day of the horizon

    @property
    def meetings(self) -> int:
        return sum(len(c) for c in self.cells)


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


def build_timeline(
    problem: Problem,
    plan: Plan,
    *,
    by: By = "venue",
    statuses: dict[str, str] | None = None,
    changes: dict[str, str] | None = None,
    was: Sequence[Meeting] = (),
) -> Timeline:
    """The plan as one picture. `statuses`: case → status to show (default the meeting's);
    `changes`: case → how the meeting differs from the confirmed plan (a draft's review);
    `was`: confirmed meetings the plan moves or drops, drawn where they were (greyed)."""
    start, end = problem.horizon.start, problem.horizon.end
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    index = {d: i for i, d in enumerate(days)}
    cases, venues, facs = problem.case_by_id, problem.venue_by_id, problem.facilitator_by_id
    statuses, changes = statuses or {}, changes or {}

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
{% if t.has_was %}<li><span class="tl-b was">&nbsp;</span> where a moved or cancelled confirmed meeting was</li>{% endif %}
</ul>
<div class="tl" role="region" aria-label="{{ 'Venues' if t.by == 'venue' else 'Facilitators' }} from {{ short_day(t.days[0]) }} to {{ short_day(t.days[-1]) }}" tabindex="0" data-days="{{ t.days|length }}"{% if inline_style %} style="--days: {{ t.days|length }}"{% endif %}>
<div class="tl-grid">
<div class="tl-head" aria-hidden="true"><span class="tl-corner">{{ 'Venue' if t.by == 'venue' else 'Facilitator' }}</span>
{% for d in t.days %}<span class="tl-day{% if d.weekday() == 0 %} mon{% endif %}{% if d.weekday() >= 5 %} we{% endif %}">{{ ("MTWTFSS")[d.weekday()] }}<br>{{ d.day }}{% if d.day == 1 or loop.first %}<br>{{ months[d.month - 1] }}{% endif %}</span>{% endfor %}
</div>
{% for row in t.rows %}
<div class="tl-row">
<h3 class="tl-name">{{ row.name }} <small>{{ row.key }} · {{ row.meetings }} meeting{{ "" if row.meetings == 1 else "s" }}</small></h3>
{% for cell in row.cells %}{% set d = t.days[loop.index0] %}
<div class="tl-cell{% if not cell %} empty{% endif %}{% if d.weekday() == 0 %} mon{% endif %}{% if d.weekday() >= 5 %} we{% endif %}">
{% if cell %}<span class="tl-date">{{ short_day(d) }}</span><ul>
{% for b in cell %}<li>{% if links %}<a href="/cases/{{ b.case_id }}"{% else %}<span{% endif %} class="tl-b {{ b.status }} {{ b.change }}" title="{{ b.title }}"><span class="tl-short" aria-hidden="true">{{ b.start[:2] }}</span><span class="tl-long">{{ b.start }}–{{ b.end }} {{ b.reference }}, {{ b.detail }} ({{ b.said }})</span>{% if links %}</a>{% else %}</span>{% endif %}</li>
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
