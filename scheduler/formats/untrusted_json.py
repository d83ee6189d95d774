"""Reading JSON text from outside: the one loader for documents users and clients send.

`parse_untrusted_json` is what every command and import that reads a document uses. On
top of the JSON grammar it refuses, each as a `DocumentError` with the JSON path where
there is one: a text over `MAX_DOCUMENT_BYTES`; nesting deeper than `MAX_DEPTH` (the
standard parser would die with RecursionError); NaN, Infinity and numbers too large for
a float (``1e400`` would become infinity, which a JSON export cannot write back); a key
given twice in one object (the standard parser keeps the last one silently, so a typo
could quietly override a safety flag); text that is not UTF-8.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from scheduler.formats.errors import DocumentError, Issue, path_key

# A national-size generated problem (1,200 cases) is about 4 MB; 32 MiB leaves room.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
# The deepest key of a valid problem is 7 levels down
# (cases[i].parties[j].availability.weekly[k].days[l]).
MAX_DEPTH = 32

# A \uD800-\uDFFF escape may leave half a surrogate pair: not text, and it cannot be
# written as UTF-8 (to a database, a file, an email). Its presence makes the walk look.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _Duplicated(dict):  # type: ignore[type-arg]
    """An object in which some key appeared more than once (found again by `_walk`)."""

    duplicates: list[str]


class _Hooks:
    """Parser hooks that note what is wrong, so the walk can say where."""

    def __init__(self) -> None:
        self.suspect = False

    def pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) == len(pairs):
            return out
        self.suspect = True
        marked = _Duplicated(out)
        seen: set[str] = set()
        marked.duplicates = [k for k, _ in pairs if k in seen or seen.add(k)]  # type: ignore[func-returns-value]
        return marked

    def number(self, text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            self.suspect = True
        return value

    def constant(self, name: str) -> float:
        self.suspect = True
        return float(name)  # NaN, Infinity, -Infinity: reported with their path by `_walk`


def parse_untrusted_json(
    text: str | bytes,
    what: str = "document",
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """The parsed JSON value of `text`, or `DocumentError` saying what is wrong and where."""
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if size > max_bytes:
        raise DocumentError(
            [Issue("", f"is {size:,} bytes; at most {max_bytes:,} are accepted")], what
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise DocumentError(
                [Issue("", "not valid JSON: the text is not UTF-8")], what
            ) from None
    hooks = _Hooks()
    try:
        value = json.loads(
            text,
            object_pairs_hook=hooks.pairs,
            parse_float=hooks.number,
            parse_constant=hooks.constant,
        )
    except RecursionError:
        raise DocumentError(
            [Issue("", f"is nested more than {max_depth} levels deep")], what
        ) from None
    except json.JSONDecodeError as exc:
        raise DocumentError(
            [Issue("", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")], what
        ) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise DocumentError([Issue("", f"not valid JSON: {exc}")], what) from None
    strings = _SURROGATE_ESCAPE.search(text) is not None
    issues = _walk(value, max_depth, check_values=hooks.suspect, check_strings=strings)
    if issues:
        raise DocumentError(issues, what)
    return value


def _walk(value: Any, max_depth: int, *, check_values: bool, check_strings: bool) -> list[Issue]:
    """Too deep, non-finite numbers, repeated keys, broken text; with paths (no recursion)."""
    issues: list[Issue] = []
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, dict):
            if depth >= max_depth:
                return [Issue(path, f"is nested more than {max_depth} levels deep")]
            if isinstance(node, _Duplicated):
                for key in node.duplicates:
                    issues.append(Issue(_join(path, key), "is given more than once in one object"))
            stack.extend((v, _join(path, k), depth + 1) for k, v in node.items())
            if check_strings:
                issues += [Issue(path, _NOT_TEXT) for k in node if _LONE_SURROGATE.search(k)]
        elif isinstance(node, list):
            if depth >= max_depth:
                return [Issue(path, f"is nested more than {max_depth} levels deep")]
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(node))
        elif check_values and isinstance(node, float) and not math.isfinite(node):
            issues.append(
                Issue(path, "must be a finite number (not NaN, Infinity, or beyond ±1.8e308)")
            )
        elif check_strings and isinstance(node, str) and _LONE_SURROGATE.search(node):
            issues.append(Issue(path, _NOT_TEXT))
    return sorted(set(issues))


_NOT_TEXT = "holds half of a UTF-16 surrogate pair (a \\uD800-\\uDFFF escape alone), not text"


def _join(path: str, key: str) -> str:
    part = path_key(key)
    if part.startswith("["):
        return path + part
    return f"{path}.{part}" if path else part
