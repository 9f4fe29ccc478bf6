"""The scenario's CERT (government, CSV)."""

from __future__ import annotations

from silobreak.scenario.orgs.base import Ctx, OrgSpec, sample_persons
from silobreak.scenario.output import CsvOut
from silobreak.scenario.variants import company_name, person_name
from silobreak.scenario.world import Company, Person, pools


def write_cert(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    out = CsvOut(
        ctx.out / spec.file,
        [
            "incident_id",
            "date",
            "incident_type",
            "victim_sector",
            "amount_usd",
            "wallet_ref",
            "wallet_address",
            "currency",
            "actor_ref",
            "actor_handle",
            "actor_email",
            "actor_person_ref",
            "actor_name",
            "company_ref",
            "company_name",
        ],
    )
    count = {"n": 0}

    def incident(
        wallet_tid: str, address: str, currency: str, actor: Person | None, company: Company | None
    ) -> None:
        count["n"] += 1
        iid = f"INC-{count['n']:06d}"
        named = actor is not None and rng.random() < 0.6
        out.row(
            incident_id=iid,
            date=ctx.day(),
            incident_type=rng.choice(pools()["incident_types"]),
            victim_sector=rng.choice(["health", "finance", "logistics", "government"]),
            amount_usd=rng.randint(5_000, 900_000),
            wallet_ref=f"{iid}-W",
            wallet_address=address,
            currency=currency,
            actor_ref=f"{iid}-U" if actor else None,
            actor_handle=f"{actor.given['latin'][0][:3].lower()}x{rng.randint(1, 99)}"
            if actor
            else None,
            actor_email=actor.email if actor else None,
            actor_person_ref=f"{iid}-P" if named else None,
            actor_name=person_name(actor, rng, {"variant": 0.6}) if named and actor else None,
            company_ref=f"{iid}-C" if company else None,
            company_name=company_name(company, rng, {}) if company else None,
        )
        truth.record(spec.dataset, f"{iid}-W", wallet_tid, spec.org, domain="cybercrime")
        if named and actor:
            truth.record(spec.dataset, f"{iid}-P", actor.tid, spec.org, domain="cybercrime")
        if company:
            truth.record(spec.dataset, f"{iid}-C", company.tid, spec.org, domain="cybercrime")

    for net in world.networks:
        if "cybercrime" in net.domains:
            for _ in range(rng.randint(1, 2)):
                incident(
                    net.wallet.tid,
                    net.wallet.address,
                    net.wallet.currency,
                    net.lieutenants[0],
                    net.companies[-1],
                )
    for person in sample_persons(ctx, 0.02, "cybercrime"):
        wallet = ctx.builder.wallet(person.tid)
        incident(wallet.tid, wallet.address, wallet.currency, person, None)
    for _ in range(max(3, len(world.networks))):
        wallet = ctx.builder.wallet("unknown")
        incident(wallet.tid, wallet.address, wallet.currency, None, None)
    out.close()
