"""The scenario's company registry (government, CSV)."""

from __future__ import annotations

from silobreak.scenario.orgs.base import Ctx, OrgSpec
from silobreak.scenario.output import CsvOut
from silobreak.scenario.variants import Style, company_name, person_name
from silobreak.scenario.world import Company, Person


def write_registry(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world = ctx.rng, ctx.world
    style: Style = {"case": "upper", "form_variant": 0.2, "typo": 0.01}
    pstyle: Style = {
        "order": "last_comma_first",
        "middle": 0.9,
        "second": 0.95,
        "variant": 0.1,
        "typo": 0.01,
    }
    out = CsvOut(
        ctx.out / spec.file,
        [
            "company_id",
            "company_name",
            "company_number",
            "jurisdiction",
            "incorporated",
            "city",
            "officer_id",
            "officer_type",
            "officer_name",
            "officer_birth_date",
            "officer_nationality",
            "role",
            "share_pct",
            "relation_id",
        ],
    )
    officers: dict[str, list[tuple[Person | Company, str]]] = {}
    for net in world.networks:
        for company in net.companies:
            officers[company.tid] = [(net.boss, "shareholder"), (net.lieutenants[0], "director")]
        if len(net.companies) > 1:
            officers[net.companies[1].tid].append((net.companies[0], "shareholder"))
    persons = [p for p in world.persons if p.kind in ("background", "namesake")]
    rel = 0
    for company in world.companies:
        name = company_name(company, rng, style)
        cid = f"REG-{company.reg_number}"
        links = officers.get(company.tid) or [
            (rng.choice(persons), role)
            for role in ("director", "shareholder")
            if rng.random() < 0.8
        ]
        # an officer who would bring two domains (or a domain and a legitimate company)
        # together is dropped, not redrawn: the seed's random stream stays as it was
        links = [(o, role) for o, role in links if ctx.meet(company.tid, o.tid, registry=True)]
        base = dict(
            company_id=cid,
            company_name=name,
            company_number=company.reg_number,
            jurisdiction=company.country,
            incorporated=company.incorporated.isoformat(),
            city=company.city,
        )
        ctx.truth.record(spec.dataset, cid, company.tid, spec.org)
        if not links:
            out.row(**base)
        for officer, role in links:
            rel += 1
            if isinstance(officer, Person):
                oid = f"OFF-{officer.tid}"
                out.row(
                    **base,
                    officer_id=oid,
                    officer_type="PERSON",
                    officer_name=person_name(officer, rng, pstyle),
                    officer_birth_date=officer.birth_date.isoformat(),
                    officer_nationality=officer.nationality,
                    role=role,
                    share_pct=rng.choice([25, 50, 51, 100]) if role == "shareholder" else "",
                    relation_id=f"REL-{rel:07d}",
                )
            else:
                assert isinstance(officer, Company)
                oid = f"REG-{officer.reg_number}"
                out.row(
                    **base,
                    officer_id=oid,
                    officer_type="COMPANY",
                    officer_name=company_name(officer, rng, style),
                    role=role,
                    share_pct=rng.choice([30, 60, 100]),
                    relation_id=f"REL-{rel:07d}",
                )
            ctx.truth.record(spec.dataset, oid, officer.tid, spec.org)
    out.close()
