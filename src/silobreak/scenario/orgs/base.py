"""What every organization writer shares: the context it writes in and its description."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from silobreak.scenario.output import Truth
from silobreak.scenario.world import Company, Person, World, WorldBuilder


@dataclass
class Ctx:
    world: World
    builder: WorldBuilder
    rng: random.Random
    out: Path
    truth: Truth
    # entity -> the one crime domain the scenario has put it in (namesakes: reserved at once)
    offences: dict[str, str] = field(default_factory=dict)
    # entity -> the entities the registry links it with (officers, the companies they run)
    links: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for k, (first, twin) in enumerate(self.world.namesakes):
            self.offences[first.tid] = NAMESAKE_DOMAIN
            self.offences[twin.tid] = TWIN_DOMAINS[k % len(TWIN_DOMAINS)]

    def link(self, a: str, b: str) -> None:
        self.links.setdefault(a, set()).add(b)
        self.links.setdefault(b, set()).add(a)

    def offend(self, tid: str, domain: str) -> bool:
        """Put a background entity in a crime ``domain`` unless it, or an entity within two
        registry links of it, is in another already: a director of a company caught in one
        domain, named in another, or a director of two companies caught in two, would be a
        convergence the truth does not plant (and a namesake's twin so placed would be one in
        earnest, not a decoy)."""
        near = {tid, *self.links.get(tid, ())}
        for member in list(near):
            near.update(self.links.get(member, ()))
        for member in near:
            if self.offences.get(member, domain) != domain:
                return False
        self.offences[tid] = domain
        return True

    def day(self) -> str:
        return (date(2022, 1, 1) + timedelta(days=self.rng.randint(0, 1400))).isoformat()


@dataclass(frozen=True)
class OrgSpec:
    """One organization, its dataset and how the scenario writes it."""

    org: str
    sector: str
    country: str
    dataset: str
    file: str
    format: str
    domains: tuple[str, ...]
    marking: str
    handling: str
    source_grade: str
    write: Callable[[Ctx, OrgSpec], None]

    @property
    def mapping(self) -> str | None:
        return f"{self.dataset}.yml" if self.format in ("csv", "xlsx") else None


def sample_persons(ctx: Ctx, share: float, domain: str | None = None) -> list[Person]:
    """A random share of the background people (not planted in any network or decoy).

    With a crime ``domain``, only people not yet put in another domain: background noise
    must not make convergences the truth does not plant (a random person in a police case
    and a wildlife seizure would be one, and rank among the planted networks).
    """
    out = []
    for person in ctx.world.persons:
        if person.kind != "background" or ctx.rng.random() >= share:
            continue
        if domain is not None and not ctx.offend(person.tid, domain):
            continue
        out.append(person)
    return out


# Namesake decoys: the first of each pair is named in an organized-crime case, the twin in a
# record of one other domain (in turn), so only a wrong merge makes them meet.
NAMESAKE_DOMAIN = "organized_crime"
TWIN_DOMAINS = ("environmental_crime", "human_trafficking", "corruption")


def namesake_twins(ctx: Ctx, domain: str) -> list[Person]:
    """The twins of the namesake pairs whose twin is reserved for ``domain``."""
    return [twin for _, twin in ctx.world.namesakes if ctx.offences[twin.tid] == domain]


def sample_companies(ctx: Ctx, share: float) -> list[Company]:
    return [c for c in ctx.world.companies if c.kind == "background" and ctx.rng.random() < share]
