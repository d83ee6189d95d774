"""The CP-SAT allocation engine: options (pre-filter), model, solve, decomposition."""

from scheduler.engine.options import Options, build_options

__all__ = ["Options", "build_options"]
