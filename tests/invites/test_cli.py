"""`rjsched confirm` and `rjsched send` on the embedded default, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scheduler.cli import cli
from tests.invites.helpers import DATA, calendar_of, parse_message, problem_doc, the_event


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def outbox_events(folder: Path) -> list[tuple[str, str, int, str]]:
    """(recipient, UID, SEQUENCE, METHOD) of every .eml in the folder."""
    out = []
    for path in sorted(folder.glob("*.eml")):
        msg = parse_message(path.read_bytes())
        cal = calendar_of(msg)
        ev = the_event(cal)
        out.append(
            (
                msg["To"].addresses[0].addr_spec,
                str(ev["UID"]),
                int(ev["SEQUENCE"]),
                str(cal["METHOD"]),
            )
        )
    return out


@pytest.fixture
def outbox(cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "mail-out"
    monkeypatch.setenv("RJSCHED_OUTBOX_DIR", str(folder))
    monkeypatch.delenv("RJSCHED_SMTP_HOST", raising=False)
    return folder


def test_import_solve_confirm_send_then_replan_sends_only_changes(
    outbox: Path, tmp_path: Path
) -> None:
    assert run("import", str(DATA / "small.problem.json")).exit_code == 0
    assert run("solve", "--db", "--time-limit", "20").exit_code == 0
    confirmed = run("confirm", "--all")
    assert confirmed.exit_code == 0, confirmed.output
    sent = run("send")
    assert sent.exit_code == 0, sent.output
    first = outbox_events(outbox)
    assert first
    assert f"sent {len(first)}, failed 0" in sent.output
    assert str(outbox) in sent.output
    assert {(m, s) for _, _, s, m in first} == {("REQUEST", 0)}

    # Sending again sends nothing; confirming again finds no draft.
    assert "sent 0, failed 0" in run("send").output
    assert len(outbox_events(outbox)) == len(first)

    # The victim of C7 withdraws consent: C7 is dropped, its people get cancellations.
    doc = problem_doc()
    next(p for c in doc["cases"] for p in c["parties"] if p["id"] == "P17")["consent"] = False
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc), encoding="utf-8")
    assert run("import", str(changed)).exit_code == 0
    assert run("solve", "--db", "--time-limit", "20").exit_code == 0
    # Cancelling a confirmed meeting needs saying so (the refusal names it).
    refused = run("confirm", "--all")
    assert refused.exit_code == 1, refused.output
    assert "cancelled" in refused.output
    assert run("confirm", "--all", "--accept-changes").exit_code == 0
    resent = run("send")
    assert resent.exit_code == 0
    after = outbox_events(outbox)
    new = sorted(set(after) - set(first))
    assert len(after) == len(first) + len(new)  # earlier files stay
    assert f"sent {len(new)}, failed 0" in resent.output
    assert all(seq > 0 for _, _, seq, _ in new)  # updates and cancellations only
    first_uids = {uid for _, uid, _, _ in first}
    assert all(uid in first_uids for _, uid, _, _ in new)
    cancelled = {to for to, _, _, method in new if method == "CANCEL"}
    assert {"amina.osman.p17@example.net", "hassan.farah.p18@example.net"} <= cancelled


def test_confirm_needs_a_plan(outbox: Path) -> None:
    result = CliRunner().invoke(cli, ["confirm"])
    assert result.exit_code != 0
    assert "--all" in result.output
    result = CliRunner().invoke(cli, ["confirm", "--all"])
    assert result.exit_code != 0
    assert "no draft plan" in result.output
    result = CliRunner().invoke(cli, ["confirm", "--plan", "42"])
    assert result.exit_code != 0
    assert "42" in result.output
