"""Renumber a problem document so that every kind uses the same plain ids "1", "2", ...

The spec makes ids unique only within their kind: facilitator "1", venue "1", room "1"
of venue "1", waiting room "1", case "1" and party "1" may all exist at once. Tests use
this to catch code that keys several kinds in one mapping. Every reference is updated
(conflicts, supports, preferred facilitators, keep-apart pairs, existing meetings).
"""

from __future__ import annotations

import copy
from typing import Any

Doc = dict[str, Any]


def _numbers(ids: list[str]) -> dict[str, str]:
    return {old: str(n) for n, old in enumerate(ids, start=1)}


def renumber(problem: Doc) -> Doc:
    """A copy of `problem` with plain numbers as ids in every kind, references kept."""
    doc = copy.deepcopy(problem)
    fac = _numbers([f["id"] for f in doc.get("facilitators", [])])
    ven = _numbers([v["id"] for v in doc.get("venues", [])])
    case = _numbers([c["id"] for c in doc.get("cases", [])])
    party = _numbers([p["id"] for c in doc.get("cases", []) for p in c["parties"]])
    rooms: dict[str, dict[str, str]] = {}  # old venue id → old room id → new
    waits: dict[str, dict[str, str]] = {}
    for v in doc.get("venues", []):
        rooms[v["id"]] = _numbers([r["id"] for r in v["rooms"]])
        waits[v["id"]] = _numbers(list(v["waiting_rooms"]))
        for r in v["rooms"]:
            r["id"] = rooms[v["id"]][r["id"]]
        v["waiting_rooms"] = [waits[v["id"]][w] for w in v["waiting_rooms"]]
        v["id"] = ven[v["id"]]
    for f in doc.get("facilitators", []):
        f["id"] = fac[f["id"]]
        if "conflicts" in f:
            f["conflicts"] = [party.get(p, p) for p in f["conflicts"]]
    for c in doc.get("cases", []):
        c["id"] = case[c["id"]]
        if "preferred_facilitators" in c:
            c["preferred_facilitators"] = [fac.get(f, f) for f in c["preferred_facilitators"]]
        for p in c["parties"]:
            p["id"] = party[p["id"]]
            if p.get("supports") is not None:
                p["supports"] = party.get(p["supports"], p["supports"])
    if "keep_apart" in doc:
        doc["keep_apart"] = [[party.get(a, a), party.get(b, b)] for a, b in doc["keep_apart"]]
    for m in doc.get("existing", []) or []:
        old_venue = m["venue"]
        m["case"] = case.get(m["case"], m["case"])
        m["venue"] = ven.get(old_venue, old_venue)
        m["room"] = rooms.get(old_venue, {}).get(m["room"], m["room"])
        m["lead"] = fac.get(m["lead"], m["lead"])
        m["co_facilitators"] = [fac.get(f, f) for f in m.get("co_facilitators", [])]
        for a in m.get("attendance", []):
            a["party"] = party.get(a["party"], a["party"])
            a["waiting_room"] = waits.get(old_venue, {}).get(a["waiting_room"], a["waiting_room"])
    return doc


def renumber_plan(plan: Doc, problem: Doc) -> Doc:
    """A copy of `plan` (of the original `problem`) with the ids `renumber` gives."""
    doc = copy.deepcopy(plan)
    fac = _numbers([f["id"] for f in problem.get("facilitators", [])])
    ven = _numbers([v["id"] for v in problem.get("venues", [])])
    case = _numbers([c["id"] for c in problem.get("cases", [])])
    party = _numbers([p["id"] for c in problem.get("cases", []) for p in c["parties"]])
    rooms = {v["id"]: _numbers([r["id"] for r in v["rooms"]]) for v in problem.get("venues", [])}
    waits = {v["id"]: _numbers(list(v["waiting_rooms"])) for v in problem.get("venues", [])}
    for m in doc.get("meetings", []):
        old_venue = m["venue"]
        m["case"] = case[m["case"]]
        m["venue"] = ven[old_venue]
        m["room"] = rooms[old_venue][m["room"]]
        m["lead"] = fac[m["lead"]]
        m["co_facilitators"] = [fac[f] for f in m.get("co_facilitators", [])]
        for a in m["attendance"]:
            a["party"] = party[a["party"]]
            a["waiting_room"] = waits[old_venue][a["waiting_room"]]
    for u in doc.get("unscheduled", []):
        u["case"] = case[u["case"]]
    for w in doc.get("warnings", []):
        if w.get("case") is not None:
            w["case"] = case[w["case"]]
    return doc
