"""Great-circle distances and travel times, as the spec defines them."""

from __future__ import annotations

import math

from scheduler.domain import Location

EARTH_RADIUS_KM = 6371.0


def haversine_km(a: Location, b: Location) -> float:
    """Great-circle distance in kilometres on a sphere of radius 6371.0 km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# Travel longer than this (a speed so small the minutes overflow) is "never in time".
NEVER_MINUTES = 10**9


def travel_minutes(km: float, speed_kmh: float) -> int:
    """Distance turned into whole minutes of travel, rounded up (at most NEVER_MINUTES)."""
    if km <= 0:
        return 0
    minutes = km / speed_kmh * 60
    return math.ceil(minutes - 1e-9) if minutes < NEVER_MINUTES else NEVER_MINUTES


def km_rounded_up(km: float) -> int:
    return math.ceil(km - 1e-9) if km > 0 else 0
