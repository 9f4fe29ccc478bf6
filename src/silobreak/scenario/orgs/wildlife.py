"""The scenario's wildlife service (government, CSV)."""

from __future__ import annotations

from silobreak.scenario import identifiers as ids
from silobreak.scenario.orgs.base import Ctx, OrgSpec, namesake_twins, sample_persons
from silobreak.scenario.output import CsvOut
from silobreak.scenario.variants import Style, company_name, person_name
from silobreak.scenario.world import Company, Person, Vessel, pools


def write_wildlife(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    style: Style = {
        "order": "last_first",
        "case": "upper",
        "variant": 0.5,
        "typo": 0.08,
        "middle": 0.2,
        "second": 0.5,
    }
    cstyle: Style = {"case": "upper", "drop_form": 0.4, "typo": 0.05}
    out = CsvOut(
        ctx.out / spec.file,
        [
            "seizure_id",
            "date",
            "port",
            "port_country",
            "commodity",
            "quantity_kg",
            "vessel_ref",
            "vessel_name",
            "vessel_imo",
            "vessel_flag",
            "suspect_ref",
            "suspect_name",
            "suspect_nationality",
            "suspect_passport",
            "consignee_ref",
            "consignee_name",
        ],
    )
    count = {"n": 0}

    def seizure(
        suspects: list[Person],
        vessel: Vessel | None,
        consignee: Company | None,
        imo: str | None = None,
    ) -> int:
        count["n"] += 1
        sid = f"WS-{count['n']:06d}"
        port = rng.choice(pools()["ports"])
        commodity = rng.choice(pools()["wildlife_commodities"])
        qty = rng.randint(5, 900)
        day = ctx.day()
        line = 0
        for k, suspect in enumerate(suspects, start=1):
            ref = f"{sid}-S{k}"
            truth.record(spec.dataset, ref, suspect.tid, spec.org, domain="environmental_crime")
            line = out.row(
                seizure_id=sid,
                date=day,
                port=port["name"],
                port_country=port["country"],
                commodity=commodity,
                quantity_kg=qty,
                vessel_ref=f"{sid}-V" if vessel else None,
                vessel_name=vessel.name if vessel else None,
                vessel_imo=imo or (ids.format_imo(vessel.imo, rng) if vessel else None),
                vessel_flag=vessel.flag if vessel else None,
                suspect_ref=ref,
                suspect_name=person_name(suspect, rng, style),
                suspect_nationality=suspect.nationality,
                suspect_passport=suspect.passport if rng.random() < 0.6 else None,
                consignee_ref=f"{sid}-C" if consignee else None,
                consignee_name=company_name(consignee, rng, cstyle) if consignee else None,
            )
        if vessel:
            truth.record(
                spec.dataset, f"{sid}-V", vessel.tid, spec.org, domain="environmental_crime"
            )
        if consignee:
            truth.record(
                spec.dataset, f"{sid}-C", consignee.tid, spec.org, domain="environmental_crime"
            )
        return line

    for net in world.networks:
        if "environmental_crime" in net.domains:
            seizure([net.lieutenants[-1]], net.vessel, net.companies[0])
            if rng.random() < 0.5:
                seizure([net.boss, net.lieutenants[0]], net.vessel, None)
    # a repeat offender stays in one domain: the ships of his seizures carry no network's
    # cargo (a network's vessel would link him to its other domains)
    fleet = [v for v in world.vessels if v.kind == "background"]
    for person in world.repeaters:
        for _ in range(rng.randint(3, 5)):
            seizure(
                [person], fleet[rng.randrange(len(fleet))] if rng.random() < 0.3 else None, None
            )
    for twin in namesake_twins(ctx, "environmental_crime"):
        seizure([twin], None, None)
    for person in sample_persons(ctx, 0.05, "environmental_crime"):
        seizure([person], None, None)
    bad = world.vessels[0]
    wrong_imo = f"IMO {ids.wrong_imo(bad.imo)}"
    with truth.planting_bad_row():
        line = seizure([world.repeaters[0]], bad, None, imo=wrong_imo)
    truth.bad_row(spec.dataset, line, "IMO number with a wrong check digit")
    out.close()
