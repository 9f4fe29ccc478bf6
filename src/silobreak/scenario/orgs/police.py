"""The scenario's police organized-crime register (law enforcement, FtM JSON lines)."""

from __future__ import annotations

from silobreak.scenario.orgs.base import Ctx, OrgSpec, sample_persons
from silobreak.scenario.output import FtmOut
from silobreak.scenario.variants import Style, person_name
from silobreak.scenario.world import Person


def write_police(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    style: Style = {
        "order": "last_comma_first",
        "variant": 0.3,
        "typo": 0.03,
        "middle": 0.8,
        "second": 0.9,
    }
    native: Style = {"native": 1.0}
    out = FtmOut(ctx.out / spec.file)

    def person(p: Person, boss: bool) -> str:
        pid = f"PN-{p.tid}"
        birth = p.birth_date.isoformat() if rng.random() < 0.7 else str(p.birth_date.year)
        alias = person_name(p, rng, native) if "native" in p.given else None
        out.entity(
            pid,
            "Person",
            name=person_name(p, rng, style),
            alias=alias,
            birthDate=birth,
            nationality=p.nationality,
            passportNumber=p.passport if rng.random() < 0.5 else None,
            topics="crime.boss" if boss else "crime",
        )
        truth.record(spec.dataset, pid, p.tid, spec.org, domain="organized_crime")
        return pid

    def group(name: str, members: list[tuple[Person, bool]], gid: str) -> None:
        out.entity(gid, "Organization", name=name, topics="crime")
        ids_ = [person(p, boss) for p, boss in members]
        for k, pid in enumerate(ids_):
            out.entity(
                f"{gid}-M{k}",
                "Membership",
                member=pid,
                organization=gid,
                role="leader" if members[k][1] else "member",
            )
        for k in range(1, len(ids_)):
            out.entity(
                f"{gid}-A{k}",
                "Associate",
                person=ids_[0],
                associate=ids_[k],
                relationship="criminal associate",
            )

    for net in world.networks:
        if "organized_crime" in net.domains:
            group(
                net.group_name,
                [(net.boss, True)] + [(p, False) for p in net.lieutenants],
                f"OCG-{net.nid}",
            )
    for a, _ in world.namesakes:
        group(f"{a.family['latin'][0]} clan", [(a, True)], f"OCG-{a.tid}")
    backgrounds = sample_persons(ctx, 0.04, "organized_crime")
    for k in range(0, len(backgrounds), 3):
        members = backgrounds[k : k + 3]
        group(
            f"Cell {k // 3 + 1}",
            [(members[0], True)] + [(p, False) for p in members[1:]],
            f"OCG-B{k // 3 + 1:04d}",
        )
    line = out.entity("PN-UNKNOWN-SCHEMA", "Persn", name="Test Record")
    truth.bad_row(spec.dataset, line, "unknown schema")
    out.close()
