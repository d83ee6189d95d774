"""Case journeys for a generated problem (`generate_problem(..., journeys=True)`).

Added to a generated document, seeded on its own stream so the rest of the document is
the same with or without journeys:

- every victim and offender gets 1 session (55 %), 2 (40 %, the second `after` the
  first) or 3 (5 %), of 45, 60 or 90 minutes;
- victims are seen at a venue, at home (about a third may be visited) or by video;
  offenders at a venue or by video, now and then at home (a team visit); an offender in
  custody only at the prison's venue or by video;
- about one offender session in five is a `team` session;
- about 10 % of cases have no conference (an indirect route);
- every facilitator gets a `max_sessions_per_week` of 4 to 8.

No real personal data: the document is synthetic already; nothing here names anyone.
"""

from __future__ import annotations

import random
from typing import Any

Doc = dict[str, Any]


def _modes(rng: random.Random, party: Doc) -> list[str]:
    if party.get("in_custody"):
        return rng.choice([["venue"], ["venue", "video"], ["video"]])
    if party["role"] == "victim":
        pool = [["venue"], ["venue", "video"], ["home", "venue"], ["home", "video"], ["video"]]
        weights = [3, 3, 2, 1, 1]
    else:
        pool = [["venue"], ["venue", "video"], ["video"], ["home", "venue"]]
        weights = [4, 3, 1, 1]
    modes = rng.choices(pool, weights)[0]
    if "home" in modes and not party.get("home"):
        modes = [m for m in modes if m != "home"] or ["venue"]
    return modes


def add_journeys(doc: Doc, seed: int) -> Doc:
    """The same document with sessions, some cases without a conference, and session caps."""
    rng = random.Random(f"journeys-{seed}")
    for f in doc["facilitators"]:
        f["max_sessions_per_week"] = rng.randint(4, 8)
    for case in doc["cases"]:
        sessions: list[Doc] = []
        for party in case["parties"]:
            if party["role"] == "supporter":
                continue
            n = rng.choices([1, 2, 3], [55, 40, 5])[0]
            prev: str | None = None
            for k in range(1, n + 1):
                s: Doc = {
                    "id": f"{case['id']}-{party['id']}-{k}",
                    "party": party["id"],
                    "modes": _modes(rng, party),
                    "duration_minutes": rng.choice([45, 60, 60, 90]),
                }
                if party["role"] == "offender" and rng.random() < 0.2:
                    s["team"] = True
                if prev is not None:
                    s["after"] = prev
                prev = s["id"]
                sessions.append(s)
        case["sessions"] = sessions
        if rng.random() < 0.10:
            case["conference"] = False
    doc["name"] = f"{doc['name']}-journeys"
    return doc
