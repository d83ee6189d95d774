"""Where the tests' fixture documents live: all inside the repository, in `tests/data`.

`small.problem.json` and `small.plan.json` are copies of the spec's example and its
optimal plan (`shared/spec/examples/`); no test reads anything outside the repository.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
SMALL_PROBLEM = DATA / "small.problem.json"
SMALL_PLAN = DATA / "small.plan.json"
