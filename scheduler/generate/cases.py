"""Cases and their parties (victims, offenders, supporters)."""

from __future__ import annotations

import datetime as dt
import math
import random

from . import availability as av
from .context import Ctx
from .geography import Place, dist, offset, pick_place, scatter
from .people import Person, email, make_person

OFFENCES = {
    "burglary": 16,
    "theft": 18,
    "criminal_damage": 13,
    "assault": 16,
    "robbery": 7,
    "public_order": 9,
    "other": 6,
    "domestic_abuse": 5,
    "sexual_harm": 2,
    "hate_crime": 4,
    "stalking": 3,
}
SENSITIVE = {"domestic_abuse", "sexual_harm", "hate_crime", "stalking"}
DURATIONS = (90, 105, 120, 135, 150, 165, 180)


class CaseMaker:
    """Builds one case at a time from the `cases` random stream."""

    def __init__(self, ctx: Ctx, facilitators: list[dict], venues: list[dict]) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rngs["cases"]
        self.prisons = [v for v in venues if v["kind"] == "prison"]
        self.facilitators: dict[str, list[dict]] = {}  # by region
        for f in facilitators:
            self.facilitators.setdefault(ctx.fac_place[f["id"]].region, []).append(f)
        self.open_venues: dict[str, list[dict]] = {}  # neutral venue locations by region
        for v in venues:
            if v["kind"] != "prison":
                self.open_venues.setdefault(ctx.venue_place[v["id"]].region, []).append(
                    v["location"]
                )
        self.next_party = 1

    def case(self, i: int) -> dict:
        """A realistic case with its parties."""
        rng, ctx = self.rng, self.ctx
        cid = f"C{i}"
        place = pick_place(rng, ctx.scope.places)
        ctx.case_place[cid] = place
        offence = rng.choices(list(OFFENCES), list(OFFENCES.values()))[0]
        risk = rng.choices(
            ("low", "medium", "high"), (10, 55, 35) if offence in SENSITIVE else (38, 50, 12)
        )[0]
        sc = offence in SENSITIVE or risk == "high"
        youth = offence not in ("domestic_abuse", "sexual_harm", "stalking") and rng.random() < 0.15
        prison = self._prison_for(place) if not youth and rng.random() < 0.09 else None
        referred = ctx.start - dt.timedelta(days=rng.randint(10, 120))
        earliest = (
            ctx.start if rng.random() < 0.7 else ctx.start + dt.timedelta(days=rng.randint(3, 21))
        )
        latest = ctx.end if rng.random() < 0.75 else ctx.end - dt.timedelta(days=rng.randint(3, 14))
        if (latest - earliest).days < 10:
            latest = ctx.end
        durations = DURATIONS[:5] if prison else DURATIONS
        weights = (10, 10, 25, 15, 20, 10, 10)[: len(durations)]
        priority = rng.choices((1, 2, 3, 4, 5), (8, 22, 40, 20, 10))[0]
        if sc and priority < 5 and rng.random() < 0.5:
            priority += 1
        required = 2 if sc or rng.random() < 0.6 else 1
        if sc and rng.random() < 0.05:
            required = 1  # data-entry slip: the rules still demand two
        case: dict = {
            "id": cid,
            "reference": f"RJ-{referred.year}-{i:04d}",
            "offence": offence,
            "risk": risk,
            "referred_on": referred.isoformat(),
            "priority": priority,
            "earliest": earliest.isoformat(),
            "latest": latest.isoformat(),
            "duration_minutes": rng.choices(durations, weights)[0],
            "facilitators_required": required,
            "victim_initiated": rng.random()
            < (0.8 if offence in ("domestic_abuse", "sexual_harm") else 0.45),
        }
        r = rng.random()
        if sc and r < 0.2 or not sc and r < 0.15:
            case["protect_victim_locality"] = True
        elif not sc and r < 0.25:
            case["protect_victim_locality"] = False
        case["requires_separate_entrances"] = rng.random() < (0.35 if sc else 0.12)
        r = rng.random()
        if r < 0.2:
            case["first_to_arrive"] = "victim"
        elif r < 0.3:
            case["first_to_arrive"] = "offender"
        case["preferred_facilitators"] = self._preferred(place, sc) if rng.random() < 0.25 else []
        case["parties"] = self._parties(place, offence, youth, prison)
        return case

    def _prison_for(self, place: Place) -> dict | None:
        """The nearest prison visits suite of the same region, if within 60 km."""
        centre = {"lat": place.town.lat, "lon": place.town.lon}
        near = [
            (dist(v["location"], centre), v)
            for v in self.prisons
            if self.ctx.venue_place[v["id"]].region == place.region
        ]
        near = [(d, v) for d, v in near if d <= 60]
        return min(near, key=lambda dv: dv[0])[1] if near else None

    def _preferred(self, place: Place, sc: bool) -> list[str]:
        """Facilitators who did the preparation: lead-qualified and local."""
        centre = {"lat": place.town.lat, "lon": place.town.lon}
        ok = [
            f["id"]
            for f in self.facilitators.get(place.region, [])
            if f["level"] != "foundation"
            and (not sc or (f["level"] == "advanced" and "sensitive_complex" in f["skills"]))
            and dist(f["home"], centre) <= f["max_travel_km"]
        ]
        if not ok:
            return []
        return self.rng.sample(ok, min(len(ok), 1 if self.rng.random() < 0.8 else 2))

    def _pid(self) -> str:
        pid = f"P{self.next_party}"
        self.next_party += 1
        return pid

    def _parties(self, place: Place, offence: str, youth: bool, prison: dict | None) -> list[dict]:
        rng = self.rng
        domestic = offence in ("domestic_abuse", "stalking", "sexual_harm")
        n_vic = 1 if domestic or rng.random() < 0.92 else 2
        n_off = 1 if domestic or rng.random() < 0.92 else 2
        no_adult = rng.random() < 0.12
        defect = rng.random() < 0.04
        parties: list[dict] = []
        victims: list[dict] = []
        v_gender = "female" if domestic and rng.random() < 0.8 else None
        for _ in range(n_vic):
            age = rng.randint(13, 17) if youth and rng.random() < 0.3 else rng.randint(18, 86)
            if domestic:
                age = rng.randint(19, 60)
            v = self._party("victim", place, age, v_gender, custody=None)
            victims.append(v)
            parties.append(v)
            parties += self._supporters(v, place, no_adult)
        o_gender = ("male" if v_gender == "female" else None) if domestic else None
        for k in range(n_off):
            age = rng.randint(12, 17) if youth else rng.randint(18, 62)
            custody = prison["prison"] if prison and k == 0 else None
            o = self._party("offender", place, age, o_gender, custody=custody)
            self._exclusion(o, victims, offence, custody)
            parties.append(o)
            if not custody:
                parties += self._supporters(o, place, no_adult)
        if defect:
            target = rng.choice([p for p in parties if p["role"] != "supporter"])
            if rng.random() < 0.5:
                target["consent"] = False
            else:
                del target["consent"]
        if domestic and rng.random() < 0.5:
            victims[0]["facilitator_gender"] = {
                "value": "female" if v_gender == "female" else "male",
                "required": rng.random() < 0.6,
            }
        for p in parties:
            if prison:  # everyone travels to the prison; no personal limit recorded
                p.pop("max_travel_km", None)
        return parties

    def _party(
        self,
        role: str,
        place: Place,
        age: int,
        gender: str | None,
        custody: str | None,
        person: Person | None = None,
        home: dict | None = None,
    ) -> dict:
        rng, ctx = self.rng, self.ctx
        pid = self._pid()
        person = person or make_person(rng, place.region, place.diversity, gender=gender)
        p: dict = {
            "id": pid,
            "role": role,
            "name": person.name,
            "email": email(person, pid, "example.net"),
        }
        if not custody:
            p["home"] = home or scatter(rng, place)
        if age < 18 or rng.random() < 0.9:
            p["age"] = age
        p["consent"] = True
        if custody:
            p["in_custody"] = custody
        needs: dict = {}
        old = age >= 70
        if rng.random() < (0.35 if old else 0.05):
            needs["step_free"] = True
        if rng.random() < (0.25 if old else 0.03):
            needs["hearing_loop"] = True
        lang = person.language
        needs["language"] = (
            lang if lang != "en" and rng.random() < (0.55 if age >= 55 else 0.3) else "en"
        )
        p["needs"] = needs
        if rng.random() < 0.05:
            p["facilitator_gender"] = {
                "value": rng.choice(("female", "male")),
                "required": rng.random() < 0.25,
            }
        if not custody and rng.random() < 0.85:
            # Most people will not cross the country for a meeting: 8-40 km, but never
            # so little that fewer than three of the region's venues are in reach.
            third = sorted(dist(p["home"], loc) for loc in self.open_venues[place.region])[:3][-1]
            p["max_travel_km"] = max(rng.randint(8, 40), math.ceil(third) + rng.randint(2, 6))
        if not custody and (role != "supporter" or rng.random() < 0.3):
            a = av.party_availability(rng, ctx.start, ctx.end, age, retired=age >= 67)
            if a:
                p["availability"] = a
        p["_person"] = person
        return p

    def _supporters(self, party: dict, place: Place, no_adult: bool) -> list[dict]:
        rng = self.rng
        age = party.get("age", 30)
        me: Person = party["_person"]
        out = []
        if (age < 16 and not no_adult) or (16 <= age < 18 and rng.random() < 0.5):
            carer = make_person(rng, place.region, place.diversity, group=me.group, surname=me.last)
            out.append(self._supporter(party, place, "parent_carer", rng.randint(32, 56), carer))
        elif age >= 18 and rng.random() < 0.3:
            rel = rng.choice(("friend", "family", "family", "professional"))
            if rel == "family":
                who = make_person(
                    rng, place.region, place.diversity, group=me.group, surname=me.last
                )
            else:
                who = make_person(rng, place.region, place.diversity)
            out.append(self._supporter(party, place, rel, rng.randint(20, 75), who))
        return out

    def _supporter(self, party: dict, place: Place, rel: str, age: int, person: Person) -> dict:
        rng = self.rng
        home = None
        if "home" in party:
            home = offset(
                party["home"]["lat"], party["home"]["lon"], rng.uniform(0, 4), rng.uniform(0, 6.283)
            )
        s = self._party("supporter", place, age, None, None, person=person, home=home)
        s = {
            "id": s.pop("id"),
            "role": "supporter",
            "supports": party["id"],
            "relationship": rel,
            **{k: v for k, v in s.items() if k != "role"},
        }
        r = rng.random() if rel != "parent_carer" else 1.0
        if r < 0.07:
            s["consent"] = False
        elif r < 0.09:
            del s["consent"]
        return s

    def _exclusion(self, o: dict, victims: list[dict], offence: str, custody: str | None) -> None:
        rng = self.rng
        odds = (
            0.6
            if offence in ("domestic_abuse", "stalking", "sexual_harm")
            else 0.3
            if offence == "hate_crime"
            else 0.08
        )
        if custody or rng.random() >= odds:
            return
        zones = []
        for v in victims:
            h = v["home"]
            zones.append(
                {
                    "center": offset(
                        h["lat"], h["lon"], rng.uniform(0, 0.8), rng.uniform(0, 6.283)
                    ),
                    "radius_km": rng.choice((1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)),
                }
            )
        o["exclusion_zones"] = zones


def make_cases(ctx: Ctx, n: int, facilitators: list[dict], venues: list[dict]) -> list[dict]:
    """n cases; private helper fields are stripped."""
    maker = CaseMaker(ctx, facilitators, venues)
    out = [maker.case(i) for i in range(1, n + 1)]
    for c in out:
        for p in c["parties"]:
            p.pop("_person", None)
    return out
