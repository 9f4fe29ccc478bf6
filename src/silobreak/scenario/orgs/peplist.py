"""The scenario's PEP and debarment list (civil society, FtM JSON lines)."""

from __future__ import annotations

from silobreak.scenario.orgs.base import Ctx, OrgSpec, namesake_twins, sample_persons
from silobreak.scenario.output import FtmOut
from silobreak.scenario.variants import Style, company_name, person_name
from silobreak.scenario.world import Company, Person, pools


def write_peplist(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    style: Style = {"variant": 0.2, "middle": 0.7, "second": 0.9, "typo": 0.01}
    out = FtmOut(ctx.out / spec.file)

    def pep(p: Person) -> None:
        pid = f"pep-{p.tid.lower()}"
        aliases = [person_name(p, rng, {"native": 1.0})] if "native" in p.given else []
        out.entity(
            pid,
            "Person",
            name=person_name(p, rng, style),
            alias=aliases,
            birthDate=p.birth_date.isoformat(),
            nationality=p.nationality,
            position=rng.choice(pools()["positions"]),
            topics="role.pep",
        )
        truth.record(spec.dataset, pid, p.tid, spec.org, domain="corruption")

    def debar(c: Company) -> None:
        cid = f"deb-{c.tid.lower()}"
        out.entity(
            cid,
            "Company",
            name=company_name(c, rng, {"form_variant": 0.3}),
            jurisdiction=c.country,
            registrationNumber=c.reg_number,
            topics="debarment",
        )
        out.entity(
            f"{cid}-sanction",
            "Sanction",
            entity=cid,
            authority="Public Procurement Regulatory Authority",
            program="Debarment for procurement fraud",
            startDate=ctx.day(),
        )
        truth.record(spec.dataset, cid, c.tid, spec.org, domain="corruption")

    for net in world.networks:
        if "corruption" in net.domains:
            pep(net.boss)
            debar(net.companies[0])
    for twin in namesake_twins(ctx, "corruption"):
        pep(twin)
    for person in sample_persons(ctx, 0.03, "corruption"):
        pep(person)
    out.close()
