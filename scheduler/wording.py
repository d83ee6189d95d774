"""Plain words for what people read: the unscheduled reasons' codes, said as a sentence.

The codes are the spec's (`format.md`); every command and page that shows a reason to
a person leads with these words and keeps the code as small print.
"""

from __future__ import annotations

REASON_WORDS = {
    "NO_CONSENT": "not everyone who must take part has consented",
    "NOT_ELIGIBLE_DIRECT": "this case may not have a direct meeting",
    "MISSING_APPROPRIATE_ADULT": "a young person has no appropriate adult attending",
    "NO_QUALIFIED_FACILITATOR": "no team of facilitators is qualified for this case",
    "NO_SAFE_VENUE": "no venue meets this case's safety and access needs",
    "NO_COMMON_TIME": "there is no time when everyone needed is free at a suitable venue",
    "CAPACITY": "it could be placed, but what it needs is taken by meetings ranked higher",
}


def reason_words(code: str) -> str:
    return REASON_WORDS.get(code, code.replace("_", " ").lower())
