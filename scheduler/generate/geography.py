"""Scopes (which force areas a size covers), distances, scattering and venue names."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from .places import DIVERSITY, FORCES, LOCALITIES, STREETS, Force, Prison, Town

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Place:
    """A town of a force area, as used by the generator."""

    town: Town
    force: Force
    rivals: tuple[
        Town, ...
    ] = ()  # nearby towns of other regions: scattered points stay on our side

    @property
    def region(self) -> str:
        return self.force.region

    @property
    def diversity(self) -> float:
        return DIVERSITY[self.force.region]

    @property
    def spread_km(self) -> float:
        """Radius around the centre within which homes and venues are scattered."""
        return min(12.0, 2.0 + math.sqrt(self.town.weight))


@dataclass(frozen=True)
class Scope:
    """The geography covered by one generated problem."""

    slug: str
    places: tuple[Place, ...]
    prisons: tuple[tuple[Prison, Force], ...]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres, as in the format's conventions."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def dist(a: dict, b: dict) -> float:
    """Distance between two {lat, lon} dicts."""
    return haversine_km(a["lat"], a["lon"], b["lat"], b["lon"])


def offset(lat: float, lon: float, km: float, bearing: float) -> dict:
    """The point `km` away from (lat, lon) along `bearing` (radians), rounded."""
    dlat = km * math.cos(bearing) / 111.2
    dlon = km * math.sin(bearing) / (111.2 * math.cos(math.radians(lat)))
    return {"lat": round(lat + dlat, 5), "lon": round(lon + dlon, 5)}


def scatter(rng: random.Random, place: Place, scale: float = 1.0) -> dict:
    """A random point within the town's spread (denser towards the centre), at most 15 km out,
    and nearer to this town than to any town of another region."""
    radius = min(15.0, place.spread_km * scale)
    t = place.town
    for _ in range(12):
        km = radius * rng.random() ** 0.75
        point = offset(t.lat, t.lon, km, rng.uniform(0, 2 * math.pi))
        mine = haversine_km(point["lat"], point["lon"], t.lat, t.lon)
        if all(
            haversine_km(point["lat"], point["lon"], r.lat, r.lon) > mine + 1.0
            for r in place.rivals
        ):
            return point
        radius *= 0.8
    return offset(t.lat, t.lon, 0.5, rng.uniform(0, 2 * math.pi))


def scope_for(size: str) -> Scope:
    """The force areas covered by each size."""
    if size in ("small", "area"):
        force = next(f for f in FORCES if f.key == "west_midlands")
        towns = force.towns
        if size == "small":
            keep = {"Birmingham", "West Bromwich", "Solihull", "Sutton Coldfield", "Smethwick"}
            towns = tuple(t for t in towns if t.name in keep)
        return Scope(
            slug="west-midlands",
            places=tuple(Place(t, force) for t in towns),
            prisons=tuple((p, force) for p in force.prisons),
        )
    if size == "region":
        forces = tuple(f for f in FORCES if f.region == "west_midlands")
        slug = "west-midlands-region"
    elif size == "national":
        forces = FORCES
        slug = "england-wales"
    else:
        raise ValueError(f"unknown size {size!r}: expected small, area, region or national")
    pairs = [(t, f) for f in forces for t in f.towns]
    places = tuple(
        Place(
            t,
            f,
            tuple(
                u
                for u, g in pairs
                if g.region != f.region and haversine_km(t.lat, t.lon, u.lat, u.lon) < 45
            ),
        )
        for t, f in pairs
    )
    return Scope(slug=slug, places=places, prisons=tuple((p, f) for f in forces for p in f.prisons))


def pick_place(rng: random.Random, places: tuple[Place, ...]) -> Place:
    """A town chosen by population weight."""
    return rng.choices(places, weights=[p.town.weight for p in places])[0]


def locality(rng: random.Random, place: Place) -> str | None:
    """A neighbourhood name for big cities, else None."""
    names = LOCALITIES.get(place.town.name)
    return rng.choice(names) if names else None


def postcode(rng: random.Random, place: Place) -> str:
    """A plausible-looking (synthetic) postcode in the town's postcode area."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    district = rng.randint(1, 40 if len(place.town.postcode) == 1 else 25)
    return f"{place.town.postcode}{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def address(rng: random.Random, place: Place, area: str | None) -> str:
    """A synthetic street address."""
    parts = [f"{rng.randint(1, 240)} {rng.choice(STREETS)}"]
    if area:
        parts.append(area)
    parts.append(f"{place.town.name} {postcode(rng, place)}")
    return ", ".join(parts)


VENUE_NAMES: dict[str, tuple[str, ...]] = {
    "community": (
        "{a} Community Hub",
        "{a} Community Centre",
        "{a} Library",
        "{a} Neighbourhood Centre",
        "{a} Methodist Church Hall",
        "{a} Friends Meeting House",
        "{a} Family Centre",
    ),
    "police": ("{a} Police Station",),
    "probation": ("{t} Probation Office", "{a} Probation Centre"),
    "office": (
        "{t} Civic Centre",
        "{t} Victim Services Office",
        "{t} Council House meeting suite",
        "{a} Youth Justice Service",
    ),
}

ENTRANCES: tuple[str, ...] = (
    "Main entrance",
    "Side door",
    "Rear entrance (car park)",
    "Garden door",
    "Reception",
    "Front counter",
    "Staff entrance",
    "Courtyard door",
)


def venue_name(rng: random.Random, kind: str, place: Place, area: str | None) -> str:
    """A realistic venue name for the kind."""
    pattern = rng.choice(VENUE_NAMES[kind])
    return pattern.format(a=area or place.town.name, t=place.town.name)
