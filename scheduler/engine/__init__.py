"""The CP-SAT allocation engine. The entry point is `allocate` (`allocate.py`).

Pipeline (docs/engine.md): the pre-filter (`options.py`, with the rules in
`eligibility`, `team`, `time_rules`, `venue_rules`), independent parts (`partition`),
the greedy plan (`greedy`), each part level by level (`solve`, `cpsat_run`,
`neighbourhoods`, `single_moves`), then one plan (`assemble`). Cross-meeting rules:
CP-SAT in `rules.py`, Python in `occupancy.py`.
"""

from scheduler.engine.allocate import allocate
from scheduler.engine.assemble import merge
from scheduler.engine.options import Options, build_options
from scheduler.engine.partition import split
from scheduler.engine.solve import PartResult, solve_part

# The entry point's older name, kept for callers (`rjsched solve`, the bench).
solve = allocate

__all__ = [
    "Options",
    "PartResult",
    "allocate",
    "build_options",
    "merge",
    "solve",
    "solve_part",
    "split",
]
