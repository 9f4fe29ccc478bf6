"""The scenario's online platform (private sector, FtM JSON lines)."""

from __future__ import annotations

from silobreak.scenario import identifiers as ids
from silobreak.scenario.orgs.base import Ctx, OrgSpec, sample_persons
from silobreak.scenario.output import FtmOut
from silobreak.scenario.variants import Style, company_name, person_name
from silobreak.scenario.world import Company, Person, pools


def write_platform(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    style: Style = {"case": "lower", "variant": 0.6, "typo": 0.15, "middle": 0.0, "second": 0.2}
    out = FtmOut(ctx.out / spec.file)
    count = {"n": 0}

    def seller(owner: Person | Company, domain: str) -> None:
        count["n"] += 1
        n = count["n"]
        acct, sid = f"acct-{n:06d}", f"seller-{n:06d}"
        if isinstance(owner, Person):
            out.entity(
                sid, "Person", name=person_name(owner, rng, style), country=owner.nationality
            )
            handle = f"{owner.family['latin'][0].split()[-1].lower()}_{rng.randint(10, 999)}"
            out.entity(
                acct,
                "UserAccount",
                username=handle,
                email=owner.email,
                phone=ids.format_phone(owner.phone, rng),
                service="MarketHub",
                owner=sid,
            )
        else:
            out.entity(
                sid,
                "Company",
                name=company_name(owner, rng, {"case": "lower"}),
                country=owner.country,
            )
            out.entity(
                acct,
                "UserAccount",
                username=owner.words.lower().replace(" ", "_"),
                service="MarketHub",
                owner=sid,
            )
        truth.record(spec.dataset, sid, owner.tid, spec.org, domain=domain)
        goods = pools()[
            "wildlife_commodities" if domain == "environmental_crime" else "counterfeit_goods"
        ]
        for k in range(rng.randint(1, 3)):
            out.entity(
                f"listing-{n:06d}-{k}",
                "Event",
                name=f"Listing: {rng.choice(goods)}",
                date=ctx.day(),
                involved=acct,
                summary="listing removed; seller flagged",
                topics="crime.env" if domain == "environmental_crime" else "crime.traffick",
            )

    for net in world.networks:
        for domain in ("illicit_trade", "environmental_crime"):
            if domain in net.domains and rng.random() < 0.6:
                seller(net.lieutenants[0], domain)
    for domain in ("illicit_trade", "environmental_crime"):
        for entity in sample_persons(ctx, 0.015, domain):
            seller(entity, domain)
    out.close()
