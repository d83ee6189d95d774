"""Reading and writing the problem and plan documents, with strict validation."""

from scheduler.formats.errors import DocumentError, Issue
from scheduler.formats.plan import dump_plan, load_plan
from scheduler.formats.problem import dump_problem, load_problem, load_problem_file
from scheduler.formats.untrusted_json import MAX_DEPTH, MAX_DOCUMENT_BYTES, parse_untrusted_json

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "DocumentError",
    "Issue",
    "dump_plan",
    "dump_problem",
    "load_plan",
    "load_problem",
    "load_problem_file",
    "parse_untrusted_json",
]
