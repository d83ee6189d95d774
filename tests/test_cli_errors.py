"""`rjsched` never prints a traceback: bad documents and arguments get one line and a code.

The real binary in subprocesses, fed documents that hypothesis breaks in many ways (a
field replaced by hostile text, numbers or structures; the text cut short; deep
nesting; invalid UTF-8): every run exits 0, 1 or 2 (README "Exit codes"), never 70 (a
bug) and never with a traceback; a refusal says so on stderr, its first line "Error: …".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.cli import EXIT_INTERNAL, cli

RJSCHED = str(Path(sys.executable).with_name("rjsched"))
DATA = Path(__file__).parent / "data"
BASE = json.loads((DATA / "small.problem.json").read_text(encoding="utf-8"))
DOCUMENTED = {0, 1, 2}


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:3]):
            out += _paths(v, (*path, i))
    return out


PATHS = _paths(BASE)[1:]
hostile = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "\n", "a\r\nb", "\x00", "\u202e", "x" * 5000, "😀", "null"]),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.integers(1, 60).map(lambda n: json.loads("[" * n + "]" * n)),
)


@st.composite
def bad_documents(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["replace", "drop", "truncate", "raw"]))
    doc = json.loads(json.dumps(BASE))
    if kind in ("replace", "drop"):
        path = draw(st.sampled_from(PATHS))
        node = doc
        for step in path[:-1]:
            node = node[step]
        if kind == "drop" and isinstance(node, dict):
            node.pop(path[-1])
        else:
            node[path[-1]] = draw(hostile)
        return json.dumps(doc, ensure_ascii=False, allow_nan=True).encode("utf-8", "replace")
    text = json.dumps(doc).encode()
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text) - 1))]
    return draw(
        st.sampled_from(
            [
                b"",
                b"\xef\xbb\xbf" + text,
                b"\xff\xfe\x00",
                b"[" * 200_000,
                b'{"format": "rj-problem/1", "name": 1e400}',
                text.replace(b'"consent": true', b'"consent": true, "consent": false', 1),
                b"null",
                b"[]",
                b'"\\ud800"',
            ]
        )
    )


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RJSCHED, *args], env=env, capture_output=True, text=True, timeout=120, errors="replace"
    )


def assert_clean(proc: subprocess.CompletedProcess[str], args: list[str]) -> None:
    said = proc.stdout + proc.stderr
    assert "Traceback" not in said, f"rjsched {' '.join(args)}:\n{said[-2000:]}"
    assert proc.returncode in DOCUMENTED, (
        f"rjsched {' '.join(args)} exit {proc.returncode}:\n{said[-2000:]}"
    )
    # `verify` exits 1 when a readable document makes the plan break a rule (a hostile
    # value can still be valid, e.g. weights left out change the soft cost): its report
    # is on stdout. Every other refusal is one line on stderr.
    verdict = args[0] == "verify" and proc.returncode == 1 and "violation" in proc.stdout
    if proc.returncode and not verdict:
        assert proc.stderr.startswith(("Error: ", "Usage: ")), proc.stderr[:500]


@pytest.fixture(scope="module")
def env() -> Any:
    with tempfile.TemporaryDirectory() as folder:
        out = {k: v for k, v in os.environ.items() if not k.startswith("RJSCHED_")}
        out["RJSCHED_DATA_DIR"] = folder
        yield out, Path(folder)


FUZZ = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
COMMANDS = [
    ["validate", "{doc}"],
    ["import", "{doc}"],
    ["verify", "{doc}", str(DATA / "small.plan.json")],
    ["verify", str(DATA / "small.problem.json"), "{doc}"],
    ["explain", "{doc}", "--case", "C1"],
    ["solve", "{doc}", "--time-limit", "1", "--out", "{out}"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@FUZZ
@given(data=bad_documents())
def test_bad_documents_get_a_documented_code_and_no_traceback(env, command, data) -> None:  # type: ignore[no-untyped-def]
    environ, folder = env
    doc = folder / "doc.json"
    doc.write_bytes(data)
    args = [a.format(doc=doc, out=folder / "plan.json") for a in command]
    assert_clean(run(args, environ), args)


BAD_ARGUMENTS = [
    ["confirm", "--plan", "abc"],
    ["confirm", "--plan", "99999999999999999999999"],
    ["confirm"],
    ["solve", "--time-limit", "nan", str(DATA / "small.problem.json")],
    ["solve", "--time-limit", "1e400", str(DATA / "small.problem.json")],
    ["solve", "--workers", "0", str(DATA / "small.problem.json")],
    ["send", "--limit", "-1"],
    ["generate", "--size", "huge"],
    ["suggest", str(DATA / "small.problem.json"), "--case", "nope\n"],
    ["explain", str(DATA / "small.problem.json"), "--case", "\x1b[31m"],
    ["verify", str(DATA / "small.problem.json"), "/nonexistent/plan.json"],
    ["validate", "/"],
    ["export", "--plan", "--out", "/proc/forbidden/plan.json"],
    ["no-such-command"],
]


@pytest.mark.parametrize("args", BAD_ARGUMENTS, ids=lambda a: " ".join(a)[:40])
def test_bad_arguments_get_a_documented_code_and_no_traceback(env, args) -> None:  # type: ignore[no-untyped-def]
    environ, _ = env
    proc = run(args, environ)
    assert_clean(proc, args)
    assert proc.returncode != 0


def test_bad_settings_are_one_line_and_exit_1(env) -> None:  # type: ignore[no-untyped-def]
    environ, _ = env
    proc = run(["solve", "--db"], {**environ, "RJSCHED_SOLVER_WORKERS": "many"})
    assert_clean(proc, ["solve", "--db"])
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1
    assert "RJSCHED_SOLVER_WORKERS" in proc.stderr


def test_an_unexpected_exception_is_one_line_and_exit_70(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import scheduler.cli.data as data

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("something nobody expected\nsecond line")

    monkeypatch.setattr(data, "read_problem", broken)
    monkeypatch.delenv("RJSCHED_DEBUG", raising=False)
    result = CliRunner().invoke(cli, ["validate", str(DATA / "small.problem.json")])
    assert result.exit_code == EXIT_INTERNAL
    assert result.output.count("\n") == 1
    assert "internal error (RuntimeError: something nobody expected second line)" in result.output
    assert "RJSCHED_DEBUG" in result.output
    monkeypatch.setenv("RJSCHED_DEBUG", "1")
    result = CliRunner().invoke(cli, ["validate", str(DATA / "small.problem.json")])
    assert isinstance(result.exception, RuntimeError)  # the real exception, for debugging
