"""The scenario's bank (financial institution, FtM JSON lines)."""

from __future__ import annotations

from silobreak.scenario import identifiers as ids
from silobreak.scenario.orgs.base import Ctx, OrgSpec, sample_companies, sample_persons
from silobreak.scenario.output import FtmOut
from silobreak.scenario.variants import Style, company_name, person_name
from silobreak.scenario.world import Company, Person


def write_bank(ctx: Ctx, spec: OrgSpec) -> None:
    rng, world, truth = ctx.rng, ctx.world, ctx.truth
    pstyle: Style = {"variant": 0.5, "middle": 0.6, "typo": 0.04}
    cstyle: Style = {"form_variant": 0.6, "typo": 0.04}
    out = FtmOut(ctx.out / spec.file)
    accounts = {a.holder: a for a in world.accounts}
    # (true entity, customer id, account id)
    customers: list[tuple[Person | Company, str, str]] = []
    serial = {"n": 0}

    def customer(entity: Person | Company, account_iban: str | None = None) -> tuple[str, str]:
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
    background: list[Person | Company] = [*sample_persons(ctx, 0.4), *sample_companies(ctx, 0.4)]
    for entity in background:
        cid, aid = customer(entity)
        if rng.random() < 0.04 and ctx.offend(entity.tid, "financial_crime"):
            report(cid, aid, entity.tid, "unexplained wealth; rapid in-and-out")
        if rng.random() < 0.03:  # the same customer onboarded twice
            customer(entity)
    for pair in world.namesakes:
        customer(pair[1])
    # payments between accounts
    paid = 0
    for _ in range(len(customers) * 2):
        (a, cid_a, aid_a), (b, cid_b, aid_b) = rng.sample(customers, 2)
        if not ctx.meet(a.tid, b.tid):  # no payment joins two domains (see Ctx.offend)
            continue
        paid += 1
        out.entity(
            f"TX-{paid:08d}",
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
