"""Synthetic problems for the job tests, built from the spec's small example."""

from __future__ import annotations

import copy
from typing import Any

SHIFT_LAT = 2.0  # about 220 km north: beyond every facilitator's max_travel_km


def _shift(loc: dict[str, float] | None) -> None:
    if loc is not None:
        loc["lat"] += SHIFT_LAT


def twin_copy(doc: dict[str, Any], suffix: str = "B") -> dict[str, Any]:
    """The same service again, far away, with its own ids: it shares no facilitator or venue."""
    twin = copy.deepcopy(doc)

    def rid(value: str) -> str:
        return f"{value}{suffix}"

    for f in twin["facilitators"]:
        f["id"] = rid(f["id"])
        f["email"] = f["email"].replace("@", f".{suffix.lower()}@")
        f["conflicts"] = [rid(p) for p in f.get("conflicts", [])]
        _shift(f["home"])
    for v in twin["venues"]:
        v["id"] = rid(v["id"])
        if v.get("prison"):
            v["prison"] = rid(v["prison"])
        _shift(v["location"])
    for c in twin["cases"]:
        c["id"] = rid(c["id"])
        c["reference"] = rid(c["reference"])
        c["preferred_facilitators"] = [rid(f) for f in c.get("preferred_facilitators", [])]
        for p in c["parties"]:
            p["id"] = rid(p["id"])
            if p.get("supports"):
                p["supports"] = rid(p["supports"])
            if p.get("in_custody"):
                p["in_custody"] = rid(p["in_custody"])
            if p.get("email"):
                p["email"] = p["email"].replace("@", f".{suffix.lower()}@")
            _shift(p.get("home"))
            for zone in p.get("exclusion_zones", []):
                _shift(zone["center"])
    twin["keep_apart"] = [[rid(a), rid(b)] for a, b in twin.get("keep_apart", [])]
    return twin


def doubled(doc: dict[str, Any]) -> dict[str, Any]:
    """The example and its far-away twin in one problem: two independent parts."""
    twin = twin_copy(doc)
    out = copy.deepcopy(doc)
    for key in ("facilitators", "venues", "cases", "keep_apart"):
        out[key] = out.get(key, []) + twin.get(key, [])
    for case in out["cases"]:  # keeps each side's venues on its own side
        for party in case["parties"]:
            party["max_travel_km"] = min(party.get("max_travel_km", 40), 40)
    out["name"] = f"{doc['name']}-doubled"
    out.pop("existing", None)
    return out
