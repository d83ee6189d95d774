"""What it would take: which other meetings would have to move, or why nothing helps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from scheduler.cli import cli
from scheduler.engine.suggest import Suggester, advise
from scheduler.formats import load_plan, load_problem
from scheduler.verify import verify
from scheduler.web_services.suggestions import why_none

DATA = Path(__file__).parents[1] / "data"


def _docs() -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        json.loads((DATA / "small.problem.json").read_text()),
        json.loads((DATA / "small.plan.json").read_text()),
    )


def squeezed() -> tuple[dict[str, Any], dict[str, Any]]:
    """C3 taken out of the plan and made to fit only where C8 is: C8's day and hours, and
    only C8's facilitator (F8) may sit on it. Moving C8 makes room; nothing else does."""
    doc, plan = _docs()
    c3 = next(c for c in doc["cases"] if c["id"] == "C3")
    c3["earliest"] = c3["latest"] = "2027-03-12"
    for p in c3["parties"]:
        p["availability"] = {"dates": [{"start": "2027-03-12T09:00", "end": "2027-03-12T13:00"}]}
    victim = next(p["id"] for p in c3["parties"] if p["role"] == "victim")
    for f in doc["facilitators"]:
        if f["id"] != "F8":
            f.setdefault("conflicts", []).append(victim)
    plan["meetings"] = [m for m in plan["meetings"] if m["case"] != "C3"]
    plan["unscheduled"].append({"case": "C3", "reasons": [{"code": "CAPACITY", "message": "."}]})
    return doc, plan


def test_moving_one_meeting_makes_room_and_is_named() -> None:
    doc, plan_doc = squeezed()
    problem, plan = load_problem(doc), load_plan(plan_doc)
    assert Suggester(problem).suggest(plan, "C3") == []  # no free slot as the plan stands
    advice = advise(problem, plan, "C3")
    assert advice.kind == "make-room"
    best = advice.make_room[0]
    assert [m.case_id for m in best.moves] == ["C8"]
    assert best.moves[0].status == "proposed"
    # Nothing was moved, but doing what it says gives a valid plan.
    moved = best.moves[0].to
    assert moved is not None
    meetings = [m for m in plan.meetings if m.case != "C8"]
    meetings += [best.placement.to_meeting(problem), moved.to_meeting(problem)]
    new = plan_doc | {
        "meetings": [m.to_doc() for m in meetings],
        "unscheduled": [u for u in plan_doc["unscheduled"] if u["case"] not in ("C3", "C8")],
    }
    violations = [v for v in verify(problem, load_plan(new)) if v.rule != "objective"]
    assert violations == []


def test_the_words_name_the_meeting_to_move_and_where_things_would_go() -> None:
    doc, plan_doc = squeezed()
    problem, plan = load_problem(doc), load_plan(plan_doc)
    text = why_none(problem, plan, "C3")
    c8 = problem.case_by_id["C8"]
    assert "moving one other meeting would make room (nothing has been moved)" in text
    assert f"Move {c8.reference} (C8), not yet confirmed, now Friday 12 March 2027 at 09:45" in text
    assert problem.facilitator_by_id["F8"].name in text
    assert "could move to" in text


def test_a_pinned_meeting_is_never_the_one_to_move() -> None:
    doc, plan_doc = squeezed()
    for m in plan_doc["meetings"]:
        if m["case"] == "C8":
            m["status"] = "pinned"
    problem, plan = load_problem(doc), load_plan(plan_doc)
    advice = advise(problem, plan, "C3")
    assert advice.kind == "nothing-helps"
    assert all("C8" not in [m.case_id for m in r.moves] for r in advice.make_room)


def test_nothing_helps_says_why_with_the_reason() -> None:
    doc, plan_doc = _docs()
    problem, plan = load_problem(doc), load_plan(plan_doc)
    for u in plan.unscheduled:  # C4, C9: NO_COMMON_TIME; C5: NO_SAFE_VENUE; C11: no team
        advice = advise(problem, plan, u.case)
        assert advice.kind == "nothing-helps"
        assert {r.code for r in advice.reasons} == {r.code for r in u.reasons}
        text = why_none(problem, plan, u.case)
        assert "moving other meetings would not help" in text
        assert "without moving other meetings" not in text
        for r in u.reasons:
            assert f"({r.code})" in text


def test_suggest_cli_says_what_it_would_take(tmp_path: Path) -> None:
    doc, plan_doc = squeezed()
    (tmp_path / "p.json").write_text(json.dumps(doc))
    (tmp_path / "plan.json").write_text(json.dumps(plan_doc))
    got = CliRunner().invoke(
        cli,
        [
            "suggest",
            str(tmp_path / "p.json"),
            "--plan",
            str(tmp_path / "plan.json"),
            "--case",
            "C3",
        ],
    )
    assert got.exit_code == 0, got.output
    assert "would make room" in got.output
    assert "(C8)" in got.output
    nothing = CliRunner().invoke(
        cli,
        [
            "suggest",
            str(DATA / "small.problem.json"),
            "--plan",
            str(DATA / "small.plan.json"),
            "--case",
            "C4",
        ],
    )
    assert "would not help" in nothing.output
    assert "NO_COMMON_TIME" in nothing.output
