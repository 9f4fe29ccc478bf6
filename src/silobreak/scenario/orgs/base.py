"""What every organization writer shares: the context it writes in and its description."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Protocol, TypeVar

from silobreak.scenario.output import Truth
from silobreak.scenario.world import Company, Person, World, WorldBuilder


class _Drawn(Protocol):
    @property
    def tid(self) -> str: ...


T = TypeVar("T", bound=_Drawn)


@dataclass
class Ctx:
    world: World
    builder: WorldBuilder
    rng: random.Random
    out: Path
    truth: Truth
    # entity -> the one crime domain the scenario has put it in (namesakes: reserved at once),
    # or the network it belongs to, or LEGIT for the legitimate big companies
    offences: dict[str, str] = field(default_factory=dict)
    # entity -> the entities the registry links it with (officers, the companies they run)
    links: dict[str, set[str]] = field(default_factory=dict)
    # entity -> its counterparts in payments and trade
    dealings: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for k, (first, twin) in enumerate(self.world.namesakes):
            self.offences[first.tid] = NAMESAKE_DOMAIN
            self.offences[twin.tid] = TWIN_DOMAINS[k % len(TWIN_DOMAINS)]
        for net in self.world.networks:
            people = [net.boss.tid, *(p.tid for p in net.lieutenants)]
            things = [c.tid for c in net.companies] + [net.vessel.tid, net.account.tid]
            for tid in [*people, *things, net.wallet.tid]:
                self.offences[tid] = f"network {net.nid}"
        for company in self.world.legit:
            self.offences[company.tid] = LEGIT

    def _near(self, tid: str) -> set[str]:
        """``tid``, its counterparts, and every entity within ``REGISTRY_HOPS`` registry links
        of it."""
        near = {tid}
        for _ in range(REGISTRY_HOPS):
            near |= {other for member in near for other in self.links.get(member, ())}
        near.update(self.dealings.get(tid, ()))
        return near

    def _roles(self, tids: set[str]) -> set[str]:
        return {self.offences[tid] for tid in tids if tid in self.offences}

    def offend(self, tid: str, domain: str) -> bool:
        """Put a background entity in a crime ``domain`` unless an entity near it (see
        ``_near``) is in another domain, a network or a legitimate big company: a director of a
        company caught in one domain, named in another, a director of two companies caught in
        two or of one caught and one owned by a PEP, or a customer paying a network's boss
        would be a convergence the truth does not plant (and a namesake's twin so placed would
        be one in earnest, not a decoy)."""
        if self._roles(self._near(tid)) - {domain}:
            return False
        self.offences[tid] = domain
        return True

    def meet(self, a: str, b: str, registry: bool = False) -> bool:
        """Link ``a`` and ``b`` (an officer and its company when ``registry``, else two parties
        of a payment or a trade) unless it brings two of the roles ``offend`` keeps apart
        together; False when refused."""
        if len(self._roles(self._near(a) | self._near(b))) > 1:
            return False
        graph = self.links if registry else self.dealings
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set()).add(a)
        return True

    def counterpart(self, tid: str, candidates: Sequence[T], tries: int = 20) -> T | None:
        """A random candidate ``tid`` may deal with (see ``meet``), None if none is found."""
        for _ in range(tries):
            other = self.rng.choice(candidates)
            if other.tid != tid and self.meet(tid, other.tid):
                return other
        return None

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
LEGIT = "legitimate"
# Offenders of two domains stay further apart in the registry than this: convergence follows
# links up to three hops (graph.score.MAX_HOPS), so a director of a company caught in one
# domain who also directs a company owned by a PEP (three links from the first) would be a
# convergence the truth does not plant. Two hops were allowed until session 14.
REGISTRY_HOPS = 3
TWIN_DOMAINS = ("environmental_crime", "human_trafficking", "corruption")


def namesake_twins(ctx: Ctx, domain: str) -> list[Person]:
    """The twins of the namesake pairs whose twin is reserved for ``domain``."""
    return [twin for _, twin in ctx.world.namesakes if ctx.offences[twin.tid] == domain]


def sample_companies(ctx: Ctx, share: float) -> list[Company]:
    return [c for c in ctx.world.companies if c.kind == "background" and ctx.rng.random() < share]
