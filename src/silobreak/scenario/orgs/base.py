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
    # background entity -> the one crime domain the scenario has put it in
    offences: dict[str, str] = field(default_factory=dict)

    def offend(self, tid: str, domain: str) -> bool:
        """Put a background entity in a crime ``domain`` unless it is in another already."""
        return self.offences.setdefault(tid, domain) == domain

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


def namesake_twins(ctx: Ctx, part: int) -> list[Person]:
    """The second person of every third namesake pair (``part`` 0, 1 or 2): each twin is
    put in one crime domain, as the first is in another, so only a merge makes them meet."""
    return [twin for k, (_, twin) in enumerate(ctx.world.namesakes) if k % 3 == part]


def sample_companies(ctx: Ctx, share: float) -> list[Company]:
    return [c for c in ctx.world.companies if c.kind == "background" and ctx.rng.random() < share]
