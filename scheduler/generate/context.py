"""Shared state of one generation run."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .availability import bank_holidays
from .geography import Place, Scope

# New streams go at the end: each is seeded in turn from the master, so earlier ones keep
# their values (and every tier generated before keeps its documents).
STREAMS = (
    "facilitators",
    "facilitator_time",
    "venues",
    "venue_time",
    "cases",
    "links",
    "deadlines",
)


@dataclass
class Ctx:
    """Horizon, scope, seeded random streams and the places of generated items."""

    seed: int
    tight: bool
    start: dt.date
    end: dt.date
    scope: Scope
    rngs: dict[str, random.Random] = field(default_factory=dict)
    holidays: list[dt.date] = field(default_factory=list)
    fac_place: dict[str, Place] = field(default_factory=dict)
    venue_place: dict[str, Place] = field(default_factory=dict)
    case_place: dict[str, Place] = field(default_factory=dict)

    @classmethod
    def create(cls, seed: int, tight: bool, start: dt.date, scope: Scope) -> Ctx:
        """Independent streams, so the tight variant changes only time and rooms."""
        master = random.Random(seed)
        rngs = {name: random.Random(master.getrandbits(64)) for name in STREAMS}
        end = start + dt.timedelta(days=41)
        return cls(seed, tight, start, end, scope, rngs, bank_holidays(start, end))
