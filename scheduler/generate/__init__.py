"""Seeded synthetic problem documents (`rj-problem/1`) for tests, demos and benchmarks."""

from .build import DEFAULT_START, SCARCE_SIZES, SIZES, generate_problem

__all__ = ["DEFAULT_START", "SCARCE_SIZES", "SIZES", "generate_problem"]
