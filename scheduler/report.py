"""A one-page HTML report of a plan: summary, unscheduled cases, the whole plan as one
picture (`scheduler.plan_timeline`, as in the web app), and week-by-week timelines.

Pure: takes the problem and the plan, returns HTML. It names cases by reference (id as
small print), venues and facilitators by name; no party's personal data appears in it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from jinja2 import Environment, select_autoescape

from scheduler.domain import Meeting, Plan, Problem
from scheduler.plan_timeline import TIMELINE_CSS, build_timeline, render_timeline
from scheduler.wording import reason_words

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Block:
    """One meeting as shown in a timeline cell."""

    start: str
    end: str
    label: str
    status: str


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _weeks(problem: Problem) -> list[dt.date]:
    first = _week_start(problem.horizon.start)
    out = []
    while first <= problem.horizon.end:
        out.append(first)
        first += dt.timedelta(days=7)
    return out


def _grid(
    problem: Problem, meetings: list[Meeting], keys_of, label_of
) -> dict[dt.date, dict[str, list[list[Block]]]]:
    """week → row key → seven lists of blocks (Mon..Sun)."""
    grid: dict[dt.date, dict[str, list[list[Block]]]] = defaultdict(dict)
    for m in sorted(meetings, key=lambda m: m.start):
        day = m.start.date()
        week = _week_start(day)
        for key in keys_of(m):
            row = grid[week].setdefault(key, [[] for _ in range(7)])
            row[day.weekday()].append(
                Block(
                    m.facilitators_on_site.start.strftime("%H:%M"),
                    m.facilitators_on_site.end.strftime("%H:%M"),
                    label_of(m, key),
                    m.status,
                )
            )
    return grid


def render_report(problem: Problem, plan: Plan) -> str:
    """The whole report as one HTML page."""
    facs = problem.facilitator_by_id
    venues = problem.venue_by_id
    cases = problem.case_by_id

    def ref(case_id: str) -> str:
        return cases[case_id].reference if case_id in cases else case_id

    def fac_label(m: Meeting, key: str) -> str:
        role = "lead" if key == m.lead else "co"
        return f"{ref(m.case)} · {venues[m.venue].name if m.venue in venues else m.venue} ({role})"

    def venue_label(m: Meeting, key: str) -> str:
        lead = facs[m.lead].name if m.lead in facs else m.lead
        return f"{ref(m.case)} · room {m.room} · {lead}"

    by_fac = _grid(problem, plan.meetings, lambda m: m.facilitators, fac_label)
    by_venue = _grid(problem, plan.meetings, lambda m: [m.venue], venue_label)
    reasons = Counter(r.code for u in plan.unscheduled for r in u.reasons[:1])
    whole = {
        by: render_timeline(
            build_timeline(problem, plan, by=by), links=False, unscheduled=False, inline_style=True
        )  # type: ignore[arg-type]
        for by in ("venue", "facilitator")
    }
    return _TEMPLATE.render(
        problem=problem,
        plan=plan,
        whole=whole,
        timeline_css=TIMELINE_CSS,
        weeks=_weeks(problem),
        by_fac=by_fac,
        by_venue=by_venue,
        fac_name=lambda f: facs[f].name if f in facs else f,
        venue_name=lambda v: venues[v].name if v in venues else v,
        reference=lambda c: cases[c].reference if c in cases else c,
        priority=lambda c: cases[c].priority if c in cases else "",
        reasons=sorted(reasons.items()),
        words=reason_words,
        days=DAY_NAMES,
        timedelta=dt.timedelta,
    )


_ENV = Environment(autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
_TEMPLATE = _ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Allocation report: {{ problem.name }}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1rem;color:#1a1a1a;background:#fff;max-width:100%}
h1{font-size:1.4rem} h2{font-size:1.15rem;margin-top:2rem} h3{font-size:1rem;margin:1.2rem 0 .4rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.8rem;min-width:48rem;width:100%;table-layout:fixed}
th:first-child{width:11rem}
th,td{border:1px solid #9a9a9a;padding:.25rem .4rem;vertical-align:top;text-align:left}
th{background:#e8eef6}
.b{display:block;margin:.1rem 0;padding:.1rem .25rem;border-radius:3px;background:#dbeafe;border-left:3px solid #1d4ed8}
.b.confirmed{background:#dcfce7;border-left-color:#15803d}.b.pinned{background:#fef3c7;border-left-color:#b45309}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem 1rem}
dd{margin:0;overflow-wrap:anywhere}
.muted{color:#555}
.tl table,.tl th{min-width:0}
{{ timeline_css|safe }}
</style></head><body>
<header><h1>Allocation report: {{ problem.name }}</h1>
<p>Horizon {{ problem.horizon.start }} to {{ problem.horizon.end }} ({{ problem.timezone }}).</p></header>
<main>
<section aria-labelledby="summary"><h2 id="summary">Summary</h2>
<dl>
<dt>Cases</dt><dd>{{ problem.cases|length }}</dd>
<dt>Scheduled</dt><dd>{{ plan.meetings|length }}</dd>
{% if plan.sessions %}<dt>Sessions</dt><dd>{{ plan.sessions|length }} ({{ plan.sessions|selectattr("mode", "equalto", "venue")|list|length }} at a venue, {{ plan.sessions|selectattr("mode", "equalto", "home")|list|length }} home visits, {{ plan.sessions|selectattr("mode", "equalto", "video")|list|length }} video calls)</dd>{% endif %}
<dt>Unscheduled</dt><dd>{{ plan.unscheduled|length }}{% for code, n in reasons %}{{ ", " if loop.first else "; " }}{{ code }} {{ n }}{% endfor %}</dd>
<dt>Disruption</dt><dd>{{ plan.objective.disruption }} (bound {{ plan.solver.bound.disruption }})</dd>
<dt>Scheduled priority</dt><dd>{{ plan.objective.scheduled_priority }} (bound {{ plan.solver.bound.scheduled_priority }})</dd>
<dt>Soft cost</dt><dd>{{ plan.objective.soft_cost }} (bound {{ plan.solver.bound.soft_cost }})</dd>
<dt>Solver</dt><dd>{{ plan.solver.status }}, {{ "%.1f"|format(plan.solver.wall_seconds) }} s</dd>
</dl></section>
{% if plan.unscheduled %}
<section aria-labelledby="unscheduled"><h2 id="unscheduled">Unscheduled cases</h2>
<div class="scroll"><table><thead><tr><th scope="col">Case</th><th scope="col">Reference</th><th scope="col">Priority</th><th scope="col">Why</th></tr></thead><tbody>
{% for u in plan.unscheduled %}<tr><td>{{ u.case }}</td><td>{{ reference(u.case) }}</td><td>{{ priority(u.case) }}</td>
<td>{% for r in u.reasons %}<strong>{{ words(r.code)|capitalize }}</strong>: {{ r.message }} <small>{{ r.code }}</small>{% if not loop.last %}<br>{% endif %}{% endfor %}</td></tr>
{% endfor %}</tbody></table></div></section>
{% endif %}
<section aria-labelledby="whole"><h2 id="whole">The whole plan: venues</h2>
{{ whole["venue"]|safe }}
<h2>The whole plan: facilitators</h2>
{{ whole["facilitator"]|safe }}
</section>
{% for title, grid, name in [("Facilitators", by_fac, fac_name), ("Venues", by_venue, venue_name)] %}
<section aria-labelledby="t{{ loop.index }}"><h2 id="t{{ loop.index }}">Week by week: {{ title|lower }}</h2>
{% for week in weeks %}{% set rows = grid.get(week, {}) %}
<h3>Week of {{ week }}</h3>
{% if rows %}<div class="scroll"><table><thead><tr><th scope="col">{{ title[:-1] }}</th>
{% for d in days %}<th scope="col">{{ d }} {{ (week + timedelta(days=loop.index0)).day }}</th>{% endfor %}</tr></thead><tbody>
{% for key in rows|sort %}<tr><th scope="row">{{ name(key) }}</th>
{% for cell in rows[key] %}<td>{% for b in cell %}<span class="b {{ b.status }}">{{ b.start }}–{{ b.end }} {{ b.label }}</span>{% endfor %}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></div>
{% else %}<p>No meetings this week.</p>{% endif %}
{% endfor %}</section>
{% endfor %}
</main></body></html>
"""
)
