"""What every organization writer shares: the context it writes in and its description."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
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


def sample_persons(ctx: Ctx, share: float) -> list[Person]:
    """A random share of the background people (not planted in any network or decoy)."""
    return [p for p in ctx.world.persons if p.kind == "background" and ctx.rng.random() < share]


def sample_companies(ctx: Ctx, share: float) -> list[Company]:
    return [c for c in ctx.world.companies if c.kind == "background" and ctx.rng.random() < share]
