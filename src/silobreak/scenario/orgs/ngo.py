"""The scenario's NGO (human trafficking cases, CSV)."""

from __future__ import annotations

from silobreak.scenario import identifiers as ids
from silobreak.scenario.orgs.base import Ctx, OrgSpec, namesake_twins, sample_persons
from silobreak.scenario.output import CsvOut
from silobreak.scenario.variants import Style, company_name, person_name
from silobreak.scenario.world import Company, Person, Vessel, pools


def write_ngo(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    style: Style = {"native": 0.4, "variant": 0.7, "typo": 0.08, "middle": 0.2, "second": 0.4}
    out = CsvOut(
        ctx.out / spec.file,
        [
            "case_ref",
            "reported",
            "country",
            "exploitation",
            "topic",
            "victims",
            "recruiter_ref",
            "recruiter_name",
            "recruiter_phone",
            "recruiter_nationality",
            "employer_ref",
            "employer_name",
            "vessel_ref",
            "vessel_name",
        ],
    )
    count = {"n": 0}

    def case(recruiter: Person, employer: Company | None, vessel: Vessel | None) -> None:
        count["n"] += 1
        ref = f"FW-{count['n']:05d}"
        exploitation = (
            "forced labour on fishing vessels" if vessel else rng.choice(pools()["exploitation"])
        )
        out.row(
            case_ref=ref,
            reported=ctx.day(),
            country=rng.choice(["ke", "tz", "th", "ae"]),
            exploitation=exploitation,
            topic="forced.labor" if "labour" in exploitation else "crime.traffick.human",
            victims=rng.randint(1, 40),
            recruiter_ref=f"{ref}-R",
            recruiter_name=person_name(recruiter, rng, style),
            recruiter_phone=ids.format_phone(recruiter.phone, rng) if rng.random() < 0.5 else None,
            recruiter_nationality=recruiter.nationality,
            employer_ref=f"{ref}-E" if employer else None,
            employer_name=company_name(employer, rng, {"drop_form": 0.5}) if employer else None,
            vessel_ref=f"{ref}-V" if vessel else None,
            vessel_name=vessel.name if vessel else None,
        )
        truth.record(spec.dataset, f"{ref}-R", recruiter.tid, spec.org, domain="human_trafficking")
        if employer:
            truth.record(
                spec.dataset, f"{ref}-E", employer.tid, spec.org, domain="human_trafficking"
            )
        if vessel:
            truth.record(spec.dataset, f"{ref}-V", vessel.tid, spec.org, domain="human_trafficking")

    for net in world.networks:
        if "human_trafficking" in net.domains:
            case(net.lieutenants[-1], net.companies[-1], net.vessel if rng.random() < 0.6 else None)
    for twin in namesake_twins(ctx, "human_trafficking"):
        case(twin, None, None)
    for person in sample_persons(ctx, 0.03, "human_trafficking"):
        case(person, None, None)
    out.close()
