"""The organizations of a scenario and how each writes its part of the world.

Each writer (one module per organization) describes true entities in its organization's own
style and format, records the true identity of every record in the :class:`Truth`, and plants
a few bad rows so that the quarantine has something real to show.
"""

from silobreak.scenario.orgs.bank import write_bank
from silobreak.scenario.orgs.base import Ctx, OrgSpec
from silobreak.scenario.orgs.cert import write_cert
from silobreak.scenario.orgs.customs import write_customs
from silobreak.scenario.orgs.ngo import write_ngo
from silobreak.scenario.orgs.peplist import write_peplist
from silobreak.scenario.orgs.platform import write_platform
from silobreak.scenario.orgs.police import write_police
from silobreak.scenario.orgs.registry import write_registry
from silobreak.scenario.orgs.wildlife import write_wildlife

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

__all__ = ["ORGS", "Ctx", "OrgSpec"]
