"""The CP-SAT allocation engine: options (pre-filter), model, solve, decomposition."""

from scheduler.engine.decompose import merge, solve, split
from scheduler.engine.options import Options, build_options
from scheduler.engine.solve import PartResult, solve_part

__all__ = ["Options", "PartResult", "build_options", "merge", "solve", "solve_part", "split"]
