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


def render_timeline(timeline: Timeline, *, links: bool = True, unscheduled: bool = True) -> str:
    """The timeline as an HTML fragment (style it with `TIMELINE_CSS`): blocks link to
    their case pages when `links`; the unscheduled cases are listed under it when asked."""
    return _FRAGMENT.render(
        t=timeline, links=links, unscheduled=unscheduled, short_day=short_day, months=_MONTHS
    )


TIMELINE_CSS = """
.tl{--day:minmax(1.3rem,1fr);overflow-x:auto;max-width:100%;border:1px solid #d5d9e0;border-radius:6px;background:#fff}
.tl-grid{display:grid;grid-template-columns:minmax(8rem,12rem) repeat(var(--days),var(--day));min-width:calc(8rem + var(--days) * 1.3rem)}
.tl-head,.tl-row{display:contents}
.tl-corner,.tl-day,.tl-name,.tl-cell{border-bottom:1px solid #e3e6ea;padding:2px}
.tl-corner,.tl-name{position:sticky;left:0;background:#fff;z-index:1;border-right:1px solid #d5d9e0}
.tl-day{font-size:.65rem;text-align:center;color:#333;line-height:1.1;white-space:nowrap}
.tl-day.mon,.tl-cell.mon{border-left:2px solid #9aa5b1}
.tl-day.we,.tl-cell.we{background:#f3f4f6}
.tl-name{font-size:.8rem;font-weight:600;margin:0;overflow-wrap:anywhere}
.tl-name small{display:block;font-weight:normal;color:#555}
.tl-cell{min-height:1.6rem}
.tl-cell ul{list-style:none;margin:0;padding:0}
.tl-date,.tl-long{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.tl-b{display:block;margin:1px 0;padding:1px 1px;border-radius:3px;font-size:.6rem;line-height:1.2;text-align:center;white-space:nowrap;overflow:hidden;
  color:#1a1a1a;text-decoration:none;background:#dbe8f7;border-left:3px solid #0b4f9c}
.tl-b.confirmed{background:#dff3e4;border-left-color:#1e6b34}
.tl-b.pinned{background:#fde8e8;border-left-color:#a4161a}
.tl-b.new,.tl-b.moved,.tl-b.restaffed,.tl-b.adjusted{outline:2px dashed #8a4b00;outline-offset:-2px}
.tl-b.was{background:#fff;color:#555;border-left-color:#767676;outline:1px dashed #767676;outline-offset:-1px;text-decoration:line-through}
a.tl-b:hover,a.tl-b:focus-visible{text-decoration:underline}
.tl-legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;list-style:none;padding:0;margin:.5rem 0;font-size:.85rem}
.tl-legend .tl-b{display:inline-block;width:2.2rem}
@media (max-width:40rem){
  .tl{overflow-x:visible;border:0;background:none}
  .tl-grid{display:block;min-width:0}
  .tl-head{display:none}
  .tl-row{display:block;background:#fff;border:1px solid #d5d9e0;border-radius:6px;margin-bottom:.5rem;padding:.4rem}
  .tl-name{position:static;border:0;font-size:.95rem}
  .tl-name small{display:inline;margin-left:.3rem}
  .tl-cell{border:0;min-height:0;padding:.1rem 0}
  .tl-cell.empty{display:none}
  .tl-cell.mon,.tl-cell.we{border:0;background:none}
  .tl-date{position:static;width:auto;height:auto;clip:auto;font-weight:600;font-size:.85rem}
  .tl-b{text-align:left;font-size:.85rem;padding:.2rem .4rem;white-space:normal}
  .tl-long{position:static;width:auto;height:auto;clip:auto;white-space:normal}
  .tl-short{display:none}
}
"""

_ENV = Environment(autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
_FRAGMENT = _ENV.from_string(
    """<ul class="tl-legend" aria-label="Key">
<li><span class="tl-b proposed">&nbsp;</span> proposed</li>
<li><span class="tl-b confirmed">&nbsp;</span> confirmed</li>
<li><span class="tl-b pinned">&nbsp;</span> pinned</li>
{% if t.has_changes %}<li><span class="tl-b proposed new">&nbsp;</span> new or changed against the confirmed plan</li>{% endif %}
{% if t.has_was %}<li><span class="tl-b was">&nbsp;</span> where a moved or cancelled confirmed meeting was</li>{% endif %}
</ul>
<div class="tl" role="region" aria-label="{{ 'Venues' if t.by == 'venue' else 'Facilitators' }} from {{ short_day(t.days[0]) }} to {{ short_day(t.days[-1]) }}" tabindex="0" style="--days: {{ t.days|length }}">
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
