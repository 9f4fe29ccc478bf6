"""The scenario's customs (government, Excel)."""

from __future__ import annotations

import random

from silobreak.scenario import identifiers as ids
from silobreak.scenario.orgs.base import Ctx, OrgSpec
from silobreak.scenario.variants import Style, company_name
from silobreak.scenario.world import Company, Vessel, pools


class TraderCodes:
    """Customs' trader codes: one per company, and now and then a second one (a company
    registered twice, as real traders are), never one code for two companies."""

    def __init__(self, rng: random.Random, second: float = 0.03) -> None:
        self.rng = rng
        self.second = second
        self.current: dict[str, str] = {}
        self.issued = 0

    def code(self, company: Company, prefix: str) -> str:
        if company.tid not in self.current or self.rng.random() < self.second:
            self.issued += 1
            self.current[company.tid] = f"{prefix}-{self.issued:06d}"
        return self.current[company.tid]


def write_customs(ctx: Ctx, spec: OrgSpec) -> None:
    import openpyxl

    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    style: Style = {"case": "upper", "form_variant": 0.7, "drop_form": 0.2, "typo": 0.06}
    columns = [
        "declaration_no",
        "date",
        "importer_code",
        "importer_name",
        "importer_country",
        "exporter_code",
        "exporter_name",
        "exporter_country",
        "goods",
        "hs_code",
        "value_usd",
        "port",
        "seizure",
        "seizure_ref",
        "seizure_reason",
        "vessel_ref",
        "vessel_name",
        "vessel_imo",
    ]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("declarations")
    sheet.append(columns)
    codes = TraderCodes(rng)
    rows = {"n": 0}

    def code(company: Company, prefix: str) -> str:
        issued = codes.code(company, prefix)
        truth.record(spec.dataset, issued, company.tid, spec.org)
        return issued

    def declare(
        importer: Company,
        exporter: Company,
        goods: str,
        seizure: bool,
        vessel: Vessel | None = None,
        when: object = None,
    ) -> int:
        rows["n"] += 1
        n = rows["n"]
        port = rng.choice(pools()["ports"])
        sheet.append(
            [
                f"DEC-{n:07d}",
                when or ctx.day(),
                code(importer, "IMP"),
                company_name(importer, rng, style),
                importer.country,
                code(exporter, "EXP"),
                company_name(exporter, rng, style),
                exporter.country,
                goods,
                f"{rng.randint(1000, 9999)}.{rng.randint(10, 99)}",
                round(rng.lognormvariate(10, 1.2), 2),
                port["name"],
                "Y" if seizure else "N",
                f"SZ-{n:07d}" if seizure else None,
                f"seized: {goods}" if seizure else None,
                f"VSL-{vessel.tid}" if vessel else None,
                vessel.name.upper() if vessel else None,
                ids.format_imo(vessel.imo, rng) if vessel else None,
            ]
        )
        if vessel:
            truth.record(spec.dataset, f"VSL-{vessel.tid}", vessel.tid, spec.org)
        if seizure:
            truth.domain(importer.tid, "illicit_trade")
            if vessel:
                truth.domain(vessel.tid, "illicit_trade")
        return n + 1  # spreadsheet row (header is row 1)

    background = [c for c in world.companies if c.kind == "background"]
    for net in world.networks:
        if "illicit_trade" in net.domains:
            exporter = (
                net.companies[1]
                if len(net.companies) > 1
                else ctx.counterpart(net.companies[0].tid, background)
            )
            if exporter is None:
                continue
            for _ in range(rng.randint(1, 2)):
                declare(
                    net.companies[0],
                    exporter,
                    rng.choice(pools()["counterfeit_goods"]),
                    True,
                    net.vessel,
                )
            declare(net.companies[0], exporter, rng.choice(pools()["legit_goods"]), False)
    for company in world.legit:
        for _ in range(rng.randint(6, 12)):
            if partner := ctx.counterpart(company.tid, background):
                declare(company, partner, rng.choice(pools()["legit_goods"]), False)
    for company in background:
        if rng.random() < 0.25:
            if partner := ctx.counterpart(company.tid, background):
                declare(company, partner, rng.choice(pools()["legit_goods"]), False)
        elif (
            rng.random() < 0.03
            and ctx.offend(company.tid, "illicit_trade")
            and (partner := ctx.counterpart(company.tid, background))
        ):
            declare(company, partner, rng.choice(pools()["counterfeit_goods"]), True)
    with truth.planting_bad_row():
        row = declare(world.legit[0], background[0], "tea", False, when="2023-02-30")
    truth.bad_row(spec.dataset, row, "impossible date 2023-02-30")
    book.save(ctx.out / spec.file)
