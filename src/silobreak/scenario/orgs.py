"""The organizations of a scenario and how each writes its part of the world.

Each writer describes true entities in its organization's own style and format, records the
true identity of every record in the :class:`Truth`, and plants a few bad rows so that the
quarantine has something real to show.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from silobreak.scenario import identifiers as ids
from silobreak.scenario.output import CsvOut, FtmOut, Truth
from silobreak.scenario.variants import Style, company_name, person_name
from silobreak.scenario.world import Company, Person, Vessel, World, WorldBuilder, pools


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


def _persons(ctx: Ctx, share: float) -> list[Person]:
    """A random share of the background people (not planted in any network or decoy)."""
    return [p for p in ctx.world.persons if p.kind == "background" and ctx.rng.random() < share]


def _companies(ctx: Ctx, share: float) -> list[Company]:
    return [c for c in ctx.world.companies if c.kind == "background" and ctx.rng.random() < share]


# -- 1. company registry (government, CSV) ---------------------------------------------------
def write_registry(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world = ctx.rng, ctx.world
    style: Style = {"case": "upper", "form_variant": 0.2, "typo": 0.01}
    pstyle: Style = {"order": "last_comma_first", "middle": 0.9, "variant": 0.1, "typo": 0.01}
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
    officers: dict[str, list[tuple[object, str]]] = {}
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


# -- 2. bank (financial institution, FtM JSON lines) -----------------------------------------
def write_bank(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    pstyle: Style = {"variant": 0.5, "middle": 0.6, "typo": 0.04}
    cstyle: Style = {"form_variant": 0.6, "typo": 0.04}
    out = FtmOut(ctx.out / spec.file)
    accounts = {a.holder: a for a in world.accounts}
    customers: list[tuple[object, str, str]] = []  # (true entity, customer id, account id)
    serial = {"n": 0}

    def customer(entity: object, account_iban: str | None = None) -> tuple[str, str]:
        serial["n"] += 1
        cid, aid = f"CUST-{serial['n']:07d}", f"ACC-{serial['n']:07d}"
        if isinstance(entity, Person):
            out.entity(
                cid,
                "Person",
                name=person_name(entity, rng, pstyle),
                birthDate=entity.birth_date.isoformat() if rng.random() < 0.9 else None,
                nationality=entity.nationality,
                phone=ids.format_phone(entity.phone, rng) if rng.random() < 0.7 else None,
                email=entity.email if rng.random() < 0.6 else None,
            )
        else:
            assert isinstance(entity, Company)
            out.entity(
                cid,
                "Company",
                name=company_name(entity, rng, cstyle),
                registrationNumber=ids.format_reg_number(entity.reg_number, rng)
                if rng.random() < 0.7
                else None,
                jurisdiction=entity.country,
            )
        truth.record(spec.dataset, cid, entity.tid, spec.org)
        acct = accounts.get(entity.tid)
        if acct is None:
            accounts[entity.tid] = acct = ctx.builder.account(entity.tid)
        iban = account_iban or ids.format_iban(acct.iban, rng)
        out.entity(aid, "BankAccount", iban=iban, currency=acct.currency, bankName="Meridian Bank")
        truth.record(spec.dataset, aid, acct.tid, spec.org)
        out.entity(
            f"OWN-{serial['n']:07d}", "Ownership", owner=cid, asset=aid, role="account holder"
        )
        customers.append((entity, cid, aid))
        return cid, aid

    str_count = 0

    def report(cid: str, aid: str, tid: str, why: str) -> None:
        nonlocal str_count
        str_count += 1
        out.entity(
            f"STR-{str_count:06d}",
            "Event",
            name=f"Suspicious transaction report STR-{str_count:06d}",
            date=ctx.day(),
            involved=[cid, aid],
            summary=why,
            topics="crime.fin",
        )
        truth.domain(tid, "financial_crime")

    for net in world.networks:
        boss_ids = customer(net.boss)
        comp_ids = customer(net.companies[0])
        if "financial_crime" in net.domains:
            report(
                *comp_ids,
                net.companies[0].tid,
                "structured cash deposits just below the "
                "reporting threshold, forwarded abroad within 48 hours",
            )
            report(
                *boss_ids,
                net.boss.tid,
                "payments from a company the customer controls with no economic rationale",
            )
    for company in world.legit:
        for _ in range(2):  # big customers hold several relationships
            customer(company)
    background: list[Person | Company] = [*_persons(ctx, 0.4), *_companies(ctx, 0.4)]
    for entity in background:
        cid, aid = customer(entity)
        if rng.random() < 0.04:
            report(cid, aid, entity.tid, "unexplained wealth; rapid in-and-out")
        if rng.random() < 0.03:  # the same customer onboarded twice
            customer(entity)
    for pair in world.namesakes:
        customer(pair[1])
    # payments between accounts
    for n in range(len(customers) * 2):
        (_, cid_a, aid_a), (_, cid_b, aid_b) = rng.sample(customers, 2)
        out.entity(
            f"TX-{n + 1:08d}",
            "Payment",
            payer=cid_a,
            beneficiary=cid_b,
            payerAccount=aid_a,
            beneficiaryAccount=aid_b,
            amount=f"{rng.lognormvariate(8, 1.5):.2f}",
            currency="EUR",
            date=ctx.day(),
        )
    # planted bad input: a wrong IBAN checksum, then a truncated line
    line = out.entity(
        "ACC-BAD-0001", "BankAccount", iban="DE89370400440532013001", bankName="Meridian Bank"
    )
    truth.bad_row(spec.dataset, line, "invalid IBAN checksum")
    line = out.raw('{"id": "CUST-BROKEN", "schema": "Person", "properties": {"name": ["')
    truth.bad_row(spec.dataset, line, "malformed JSON")
    out.close()


# -- 3. customs (government, Excel) ----------------------------------------------------------
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
    codes: dict[str, str] = {}
    rows = {"n": 0}

    def code(company: Company, prefix: str) -> str:
        if company.tid not in codes or rng.random() < 0.03:  # sometimes a second code
            codes[company.tid] = f"{prefix}-{len(codes) + 1:06d}"
        truth.record(spec.dataset, codes[company.tid], company.tid, spec.org)
        return codes[company.tid]

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
            exporter = net.companies[1] if len(net.companies) > 1 else rng.choice(background)
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
            declare(company, rng.choice(background), rng.choice(pools()["legit_goods"]), False)
    for company in background:
        if rng.random() < 0.25:
            declare(company, rng.choice(background), rng.choice(pools()["legit_goods"]), False)
        elif rng.random() < 0.03:
            declare(company, rng.choice(background), rng.choice(pools()["counterfeit_goods"]), True)
    with truth.planting_bad_row():
        row = declare(world.legit[0], background[0], "tea", False, when="2023-02-30")
    truth.bad_row(spec.dataset, row, "impossible date 2023-02-30")
    book.save(ctx.out / spec.file)


# -- 4. wildlife service (government, CSV) ---------------------------------------------------
def write_wildlife(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    style: Style = {
        "order": "last_first",
        "case": "upper",
        "variant": 0.5,
        "typo": 0.08,
        "middle": 0.2,
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
            truth.record(spec.dataset, ref, suspect.tid, spec.org)
            truth.domain(suspect.tid, "environmental_crime")
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
            truth.record(spec.dataset, f"{sid}-V", vessel.tid, spec.org)
            truth.domain(vessel.tid, "environmental_crime")
        if consignee:
            truth.record(spec.dataset, f"{sid}-C", consignee.tid, spec.org)
            truth.domain(consignee.tid, "environmental_crime")
        return line

    for net in world.networks:
        if "environmental_crime" in net.domains:
            seizure([net.lieutenants[-1]], net.vessel, net.companies[0])
            if rng.random() < 0.5:
                seizure([net.boss, net.lieutenants[0]], net.vessel, None)
    for person in world.repeaters:
        for _ in range(rng.randint(3, 5)):
            seizure(
                [person],
                world.vessels[rng.randrange(len(world.vessels))] if rng.random() < 0.3 else None,
                None,
            )
    for _, twin in world.namesakes:
        seizure([twin], None, None)
    for person in _persons(ctx, 0.05):
        seizure([person], None, None)
    bad = world.vessels[0]
    wrong_imo = f"IMO {bad.imo[:-1]}{(int(bad.imo[-1]) + 1) % 10}"
    with truth.planting_bad_row():
        line = seizure([world.repeaters[0]], bad, None, imo=wrong_imo)
    truth.bad_row(spec.dataset, line, "IMO number with a wrong check digit")
    out.close()


# -- 5. online platform (private sector, FtM JSON lines) -------------------------------------
def write_platform(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    style: Style = {"case": "lower", "variant": 0.6, "typo": 0.15, "middle": 0.0}
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
        truth.record(spec.dataset, sid, owner.tid, spec.org)
        truth.domain(owner.tid, domain)
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
    for entity in _persons(ctx, 0.03):
        seller(entity, rng.choice(["illicit_trade", "environmental_crime"]))
    out.close()


# -- 6. NGO (human trafficking cases, CSV) ---------------------------------------------------
def write_ngo(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    style: Style = {"native": 0.4, "variant": 0.7, "typo": 0.08, "middle": 0.2}
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
        truth.record(spec.dataset, f"{ref}-R", recruiter.tid, spec.org)
        truth.domain(recruiter.tid, "human_trafficking")
        if employer:
            truth.record(spec.dataset, f"{ref}-E", employer.tid, spec.org)
            truth.domain(employer.tid, "human_trafficking")
        if vessel:
            truth.record(spec.dataset, f"{ref}-V", vessel.tid, spec.org)
            truth.domain(vessel.tid, "human_trafficking")

    for net in world.networks:
        if "human_trafficking" in net.domains:
            case(net.lieutenants[-1], net.companies[-1], net.vessel if rng.random() < 0.6 else None)
    for _, b in world.namesakes[: len(world.namesakes) // 2]:
        case(b, None, None)
    for person in _persons(ctx, 0.03):
        case(person, None, None)
    out.close()


# -- 7. police organized-crime register (law enforcement, FtM JSON lines) --------------------
def write_police(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    style: Style = {"order": "last_comma_first", "variant": 0.3, "typo": 0.03, "middle": 0.8}
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
        truth.record(spec.dataset, pid, p.tid, spec.org)
        truth.domain(p.tid, "organized_crime")
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
    backgrounds = _persons(ctx, 0.04)
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


# -- 8. PEP and debarment list (civil society, FtM JSON lines) -------------------------------
def write_peplist(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    style: Style = {"variant": 0.2, "middle": 0.7, "typo": 0.01}
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
        truth.record(spec.dataset, pid, p.tid, spec.org)
        truth.domain(p.tid, "corruption")

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
        truth.record(spec.dataset, cid, c.tid, spec.org)
        truth.domain(c.tid, "corruption")

    for net in world.networks:
        if "corruption" in net.domains:
            pep(net.boss)
            debar(net.companies[0])
    for _, twin in world.namesakes[len(world.namesakes) // 2 :]:
        pep(twin)
    for person in _persons(ctx, 0.03):
        pep(person)
    out.close()


# -- 9. CERT (government, CSV) ---------------------------------------------------------------
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
        truth.record(spec.dataset, f"{iid}-W", wallet_tid, spec.org)
        truth.domain(wallet_tid, "cybercrime")
        if named and actor:
            truth.record(spec.dataset, f"{iid}-P", actor.tid, spec.org)
            truth.domain(actor.tid, "cybercrime")
        if company:
            truth.record(spec.dataset, f"{iid}-C", company.tid, spec.org)
            truth.domain(company.tid, "cybercrime")

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
    for person in _persons(ctx, 0.02):
        wallet = ctx.builder.wallet(person.tid)
        incident(wallet.tid, wallet.address, wallet.currency, person, None)
    for _ in range(max(3, len(world.networks))):
        wallet = ctx.builder.wallet("unknown")
        incident(wallet.tid, wallet.address, wallet.currency, None, None)
    out.close()


ORGS: tuple[OrgSpec, ...] = (
    OrgSpec(
        "national-registry",
        "government",
        "ke",
        "registry_companies",
        "registry_companies.csv",
        "csv",
        (),
        "TLP:CLEAR",
        "H0",
        "A",
        write_registry,
    ),
    OrgSpec(
        "meridian-bank",
        "financial_institution",
        "ae",
        "bank_customers",
        "bank_customers.ftm.json",
        "ftm",
        ("financial_crime",),
        "TLP:AMBER+STRICT",
        "H2",
        "B",
        write_bank,
    ),
    OrgSpec(
        "customs-authority",
        "government",
        "ke",
        "customs_declarations",
        "customs_declarations.xlsx",
        "xlsx",
        ("illicit_trade",),
        "TLP:AMBER",
        "H1",
        "B",
        write_customs,
    ),
    OrgSpec(
        "wildlife-service",
        "government",
        "ke",
        "wildlife_seizures",
        "wildlife_seizures.csv",
        "csv",
        ("environmental_crime",),
        "TLP:AMBER",
        "H2",
        "A",
        write_wildlife,
    ),
    OrgSpec(
        "markethub",
        "private_sector",
        "sg",
        "platform_flagged_sellers",
        "platform_flagged_sellers.ftm.json",
        "ftm",
        ("illicit_trade", "environmental_crime"),
        "TLP:AMBER",
        "H1",
        "C",
        write_platform,
    ),
    OrgSpec(
        "freedom-watch",
        "ngo",
        "tz",
        "trafficking_cases",
        "trafficking_cases.csv",
        "csv",
        ("human_trafficking",),
        "TLP:AMBER",
        "H2",
        "C",
        write_ngo,
    ),
    OrgSpec(
        "national-police",
        "law_enforcement",
        "ke",
        "police_oc_register",
        "police_oc_register.ftm.json",
        "ftm",
        ("organized_crime",),
        "TLP:AMBER+STRICT",
        "H3",
        "A",
        write_police,
    ),
    OrgSpec(
        "integrity-watch",
        "civil_society",
        "za",
        "pep_debarment",
        "pep_debarment.ftm.json",
        "ftm",
        ("corruption",),
        "TLP:CLEAR",
        "H0",
        "B",
        write_peplist,
    ),
    OrgSpec(
        "national-cert",
        "government",
        "ke",
        "cyber_incidents",
        "cyber_incidents.csv",
        "csv",
        ("cybercrime",),
        "TLP:GREEN",
        "H1",
        "C",
        write_cert,
    ),
)
