"""Splitting a problem into independent parts, and localising parts too big to solve whole.

Two cases are joined when their *options* (after the pre-filter) share a facilitator,
a venue, a party or a keep-apart pair; parts are then independent, so solving each
alone and summing gives exact levels 1 and 2 and an exact soft cost apart from
`max_load`, a maximum over facilitators: parts share no facilitator, so each part
minimising its own largest load is what the merged plan reports (its maximum over
parts), though the merged optimum could tolerate a larger load in a part that is not
the maximum. A part is a plain list of case ids, so it can travel through a task queue.
"""

from __future__ import annotations

import math
from dataclasses import replace

from scheduler.domain import Meeting, Problem
from scheduler.engine.options import CaseOptions, Options, SpanStarts, build_options
from scheduler.engine.venue_rules import VenueFilter


class _UnionFind:
    def __init__(self, items: list[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, i: str) -> str:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _in_play(o: CaseOptions) -> bool:
    return o.schedulable


def split(problem: Problem, options: Options | None = None) -> list[list[str]]:
    """Independent parts (lists of case ids), biggest first.

    Two cases are joined when they can interact: they share a usable facilitator
    (rules 8, 9), a venue option (rooms, rule 4; keep-apart, rule 7), or a party
    (rule 8), all from the *pruned* options (`open_venues` are the venues a qualified
    team can reach, `usable_facilitators` those who can be on such a team). A
    keep-apart pair binds only at a common venue, so it joins two cases only when
    their venues meet (which sharing a venue already does; kept explicit so the rule
    has its place here). Cases that cannot be placed at all and have no pinned or
    confirmed meeting are left out of every part: `merge` lists them as unscheduled.
    """
    options = options or build_options(problem)
    existing = {m.case for m in problem.existing}
    ids = [c.id for c in problem.cases if _in_play(options.cases[c.id]) or c.id in existing]
    uf = _UnionFind(ids)
    owner: dict[str, str] = {}
    venues_of: dict[str, set[str]] = {}
    for cid in ids:
        o = options.cases[cid]
        venues = set(o.open_venues)
        facs = set(o.usable_facilitators)
        for m in problem.existing:
            if m.case == cid:
                facs.update(m.facilitators)
                venues.add(m.venue)
        venues_of[cid] = venues
        parties = [p.id for p in problem.case_by_id[cid].parties]
        keys = (
            [f"f:{f}" for f in sorted(facs)]
            + [f"v:{v}" for v in sorted(venues)]
            + [f"p:{p}" for p in parties]
        )
        for k in keys:
            if k in owner:
                uf.join(cid, owner[k])
            else:
                owner[k] = cid
    for p, q in problem.keep_apart:
        a, b = problem.case_of_party.get(p), problem.case_of_party.get(q)
        if a is None or b is None or a.id not in uf.parent or b.id not in uf.parent:
            continue
        if venues_of[a.id] & venues_of[b.id]:
            uf.join(a.id, b.id)
    groups: dict[str, list[str]] = {}
    for cid in ids:
        groups.setdefault(uf.find(cid), []).append(cid)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


# A part bigger than this is more than CP-SAT builds and settles in minutes on two
# cores (national came as one part of 983 cases: facilitators near the borders between
# areas, and cases whose parties have no travel limit, chain every area together).
# Region (one part of 218) stays exact: localised, it scheduled 590 against 712.
LOCALISE_ABOVE = 400
CASES_PER_CLUSTER = 40
CROWDED = 100  # a cluster with more cases than this is split again


def _xy(lat: float, lon: float, ref_lat: float) -> tuple[float, float]:
    """Kilometre-like plane coordinates (fine for clustering, never for a rule)."""
    return lat * 111.2, lon * 111.2 * math.cos(math.radians(ref_lat))


def _clusters(points: list[tuple[float, float]], k: int) -> list[tuple[float, float]]:
    """k centres by k-means from a farthest-point start (deterministic, no randomness)."""
    centres = [points[0]]
    while len(centres) < min(k, len(points)):
        far = max(points, key=lambda p: min(math.dist(p, c) for c in centres))
        centres.append(far)
    for _ in range(12):
        groups: list[list[tuple[float, float]]] = [[] for _ in centres]
        for p in points:
            groups[min(range(len(centres)), key=lambda i: math.dist(p, centres[i]))].append(p)
        centres = [
            (sum(x for x, _ in g) / len(g), sum(y for _, y in g) / len(g)) if g else c
            for g, c in zip(groups, centres, strict=True)
        ]
    return centres


def _split_crowded(
    cases: list[tuple[float, float]], centres: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """Centres with every cluster of more than CROWDED cases split again by k-means.

    Cases cluster where people live: on national size one k-means cluster (a big city)
    held 271 of 1,200 cases, and its model alone took CP-SAT past 2.5 GB. Splitting it
    costs its cases the options across the new borders; the greedy floor and `polish`
    keep that from making the plan worse.
    """
    for _ in range(3):
        groups: dict[int, list[tuple[float, float]]] = {}
        for xy in cases:
            i = min(range(len(centres)), key=lambda i: math.dist(xy, centres[i]))
            groups.setdefault(i, []).append(xy)
        crowded = {i for i, g in groups.items() if len(g) > CROWDED}
        if not crowded:
            break
        kept = [c for i, c in enumerate(centres) if i not in crowded]
        for i in sorted(crowded):
            points = sorted(set(groups[i]))
            kept += _clusters(points, math.ceil(len(groups[i]) / CASES_PER_CLUSTER))
        centres = kept
    return centres


def localise(problem: Problem, options: Options) -> Options:
    """Options cut into geographic clusters: each case keeps only its cluster's venues
    and facilitators, so `split` finds one or more parts per cluster.

    Cases are clustered by their principals' homes (k-means, ~`CASES_PER_CLUSTER` a
    cluster); each venue and facilitator belongs to the nearest cluster centre. This is
    a restriction, so every plan of it is valid for the problem, but bounds proven on
    it are not the problem's: `solve` then reports the trivial ones. Cross-cluster
    options are far by construction, and the soft cost charges every kilometre.
    A case with an existing meeting joins the cluster of that meeting's venue.
    """
    ref = problem.facilitators[0].home.lat if problem.facilitators else 52.0
    centre_of: dict[str, tuple[float, float]] = {}
    for c in problem.cases:
        homes = [p.home for p in (*c.victims, *c.offenders) if p.home is not None]
        if homes:
            lat = sum(h.lat for h in homes) / len(homes)
            lon = sum(h.lon for h in homes) / len(homes)
            centre_of[c.id] = _xy(lat, lon, ref)
    points = sorted(set(centre_of.values()))
    if not points:
        return options
    centres = _clusters(points, math.ceil(len(problem.cases) / CASES_PER_CLUSTER))
    centres = _split_crowded(list(centre_of.values()), centres)

    def nearest(xy: tuple[float, float]) -> int:
        return min(range(len(centres)), key=lambda i: math.dist(xy, centres[i]))

    venue_cluster = {
        v.id: nearest(_xy(v.location.lat, v.location.lon, ref)) for v in problem.venues
    }
    fac_cluster = {f.id: nearest(_xy(f.home.lat, f.home.lon, ref)) for f in problem.facilitators}
    existing = {m.case: m.venue for m in problem.existing}
    cases = dict(options.cases)
    for cid, o in options.cases.items():
        if cid in existing:
            k = venue_cluster[existing[cid]]
        elif o.case_id in centre_of:
            k = nearest(centre_of[cid])
        else:
            continue
        if problem.case_by_id[cid].in_custody and o.venues:
            k = venue_cluster[o.venues[0]]  # the prison decides
        keep = {v for v in o.venues if venue_cluster[v] == k}
        vs = o.venue_starts
        cases[cid] = replace(
            o,
            venue_filter=VenueFilter(
                tuple(v for v in o.venues if v in keep), o.venue_filter.removed
            ),
            venue_starts=vs.only(keep)
            if isinstance(vs, SpanStarts)
            else {v: vs[v] for v in keep if v in vs},
            reach={
                f: (r & keep if fac_cluster[f] == k else frozenset()) for f, r in o.reach.items()
            },
        )
    return replace(options, cases=cases)


def localised_options(problem: Problem, options: Options) -> tuple[Options, list[list[str]], bool]:
    """(options to solve on, their parts, exact): parts over LOCALISE_ABOVE cases localised.

    Only the cases of the large parts are localised; the other parts stay exact
    (localised options are subsets, so they join nothing new). Deterministic, so a
    worker that recomputes it from the same problem gets the same options.
    """
    parts = split(problem, options)
    big = {cid for ids in parts if len(ids) > LOCALISE_ABOVE for cid in ids}
    if not big:
        return options, parts, True
    local = localise(problem, options)
    solve_options = replace(
        options,
        cases={c: (local.cases[c] if c in big else o) for c, o in options.cases.items()},
    )
    return solve_options, split(problem, solve_options), False


def fits(options: Options, m: Meeting) -> bool:
    """Whether a meeting (of the hint) uses only what its case's options allow."""
    o = options.cases.get(m.case)
    if o is None:
        return False
    if m.status == "pinned":
        return True
    usable = set(o.usable_facilitators)
    return m.venue in o.open_venues and all(f in usable for f in m.facilitators)
