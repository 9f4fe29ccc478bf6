"""The true world behind a scenario: people, companies, vessels, accounts, wallets, networks.

Organizations later describe parts of this world, each in its own way (see ``orgs.py``); the
true identity of every record they write goes to ``truth.json``. Everything is drawn from one
``random.Random(seed)``, in a fixed order, so a seed always gives the same world.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml

from silobreak.scenario import identifiers as ids

SIZES: dict[str, dict[str, int]] = {
    "small": {
        "networks": 6,
        "namesakes": 4,
        "legit": 3,
        "repeaters": 3,
        "persons": 150,
        "companies": 80,
    },
    "medium": {
        "networks": 40,
        "namesakes": 25,
        "legit": 5,
        "repeaters": 20,
        "persons": 3000,
        "companies": 1500,
    },
    "large": {
        "networks": 300,
        "namesakes": 150,
        "legit": 8,
        "repeaters": 120,
        "persons": 30000,
        "companies": 15000,
    },
}

DOMAIN_ORGS: dict[str, str] = {
    "organized_crime": "police",
    "environmental_crime": "wildlife",
    "illicit_trade": "customs",
    "financial_crime": "bank",
    "corruption": "peplist",
    "human_trafficking": "ngo",
    "cybercrime": "cert",
}


@cache
def pools() -> dict[str, Any]:
    text = resources.files("silobreak.scenario").joinpath("pools.yml").read_text("utf-8")
    return dict(yaml.safe_load(text))


@dataclass
class Person:
    tid: str
    culture: str
    given: dict[str, Any]
    family: dict[str, Any]
    middle: dict[str, Any] | None
    gender: str
    birth_date: date
    nationality: str
    passport: str
    phone: tuple[str, str]
    email: str
    kind: str = "background"
    # the part a culture adds to given and family names: a patronymic, the father's name
    # (bin ...) or the mother's family name; ``second_kind`` says which
    second: dict[str, Any] | None = None
    second_kind: str | None = None

    def canonical_name(self) -> str:
        """Every part of the name, in the order its culture writes them."""
        before = [self.given, *([self.middle] if self.middle else [])]
        after = [self.family]
        if self.second is not None:
            (after if self.second_kind == "family" else before).append(self.second)
        return " ".join(part["latin"][0] for part in [*before, *after])


@dataclass
class Company:
    tid: str
    words: str
    native: str | None
    form_kind: str
    country: str
    reg_number: str
    incorporated: date
    city: str
    kind: str = "background"

    def canonical_name(self) -> str:
        return f"{self.words} {pools()['legal_forms'][self.form_kind]['forms'][0]}"


@dataclass
class Vessel:
    tid: str
    name: str
    imo: str
    mmsi: str
    flag: str
    kind: str = "network"


@dataclass
class Account:
    tid: str
    iban: str
    holder: str
    currency: str


@dataclass
class Wallet:
    tid: str
    address: str
    currency: str
    holder: str


@dataclass
class Network:
    """A planted criminal network whose members reach several crime domains."""

    nid: str
    boss: Person
    lieutenants: list[Person]
    companies: list[Company]
    vessel: Vessel
    account: Account
    wallet: Wallet
    domains: list[str]
    group_name: str


@dataclass
class World:
    seed: int
    size: str
    persons: list[Person] = field(default_factory=list)
    companies: list[Company] = field(default_factory=list)
    vessels: list[Vessel] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    wallets: list[Wallet] = field(default_factory=list)
    networks: list[Network] = field(default_factory=list)
    namesakes: list[tuple[Person, Person]] = field(default_factory=list)
    legit: list[Company] = field(default_factory=list)
    repeaters: list[Person] = field(default_factory=list)


class WorldBuilder:
    """Draws a world; one instance per scenario."""

    def __init__(self, seed: int, size: str):
        if size not in SIZES:
            raise ValueError(f"unknown size {size!r}; use one of {', '.join(SIZES)}")
        self.rng = random.Random(seed)
        self.world = World(seed, size)
        self.counts = SIZES[size]
        self._serial: dict[str, int] = {}
        # (country, name) of every company: a registry refuses a name already registered
        self._registered: set[tuple[str, str]] = set()

    def _id(self, prefix: str) -> str:
        self._serial[prefix] = self._serial.get(prefix, 0) + 1
        return f"{prefix}{self._serial[prefix]:06d}"

    def person(self, culture: str | None = None, kind: str = "background") -> Person:
        rng = self.rng
        cultures = pools()["persons"]
        culture = culture or rng.choice(sorted(cultures))
        pool = cultures[culture]
        given = rng.choice(pool["given"])
        middle = rng.choice(pool["given"]) if rng.random() < pool.get("middle", 0.3) else None
        if middle is given:
            middle = None
        nationality = rng.choice(pool["countries"])
        born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 52))
        family = rng.choice(pool["family"])
        gender = rng.choice(["male", "female"])
        if "patronymics" in pool:  # a patronymic says the gender: let it agree with the name
            gender = (
                "female" if given["native"][-1] in "ая" or given["native"] == "Любовь" else "male"
            )
            gender = "male" if given["native"] == "Илья" else gender
        second, second_kind = _second_name(pool, gender, family, rng)
        first = _ascii(given["latin"][0].split()[0])
        last = _ascii(family["latin"][0])
        person = Person(
            tid=self._id("P"),
            culture=culture,
            given=given,
            family=family,
            middle=middle,
            gender=gender,
            birth_date=born,
            nationality=nationality,
            passport=f"{rng.choice('ABCDEFGHJKLMNPRSTUVXYZ')}{rng.randint(1000000, 9999999)}",
            phone=ids.phone(rng, nationality),
            email=f"{first}.{last}{rng.randint(1, 99)}@"
            f"{rng.choice(['mail.com', 'inbox.net', 'post.org'])}",
            kind=kind,
            second=second,
            second_kind=second_kind,
        )
        self.world.persons.append(person)
        return person

    def namesake_of(self, other: Person, kind: str) -> Person:
        """A different person with exactly the same name: a decoy for resolution."""
        twin = self.person(other.culture, kind)
        twin.given, twin.family, twin.middle = other.given, other.family, other.middle
        twin.second, twin.second_kind, twin.gender = other.second, other.second_kind, other.gender
        while abs((twin.birth_date - other.birth_date).days) < 3 * 365:
            twin.birth_date = date(1950, 1, 1) + timedelta(days=self.rng.randint(0, 365 * 52))
        return twin

    def company(self, kind: str = "background", country: str | None = None) -> Company:
        rng = self.rng
        forms = pools()["legal_forms"]
        form_kind = rng.choice(sorted(forms))
        country = country or rng.choice(forms[form_kind]["countries"])
        style = "latin"
        if country in ("ru", "ua", "kz") and rng.random() < 0.7:
            style, form_kind = "ru", "llc"
        elif country in ("ae", "sa") and rng.random() < 0.6:
            style = "ar"
        words, native = _company_words(rng, style)
        tid = self._id("C")
        if (country, words.casefold()) in self._registered:
            words, native = self._another_name(tid, style, country)
        self._registered.add((country, words.casefold()))
        company = Company(
            tid=tid,
            words=words,
            native=native,
            form_kind=form_kind,
            country=country,
            reg_number=ids.reg_number(rng, country),
            incorporated=date(1990, 1, 1) + timedelta(days=rng.randint(0, 365 * 33)),
            city=rng.choice(pools()["ports"])["name"],
            kind=kind,
        )
        self.world.companies.append(company)
        return company

    def _another_name(self, tid: str, style: str, country: str) -> tuple[str, str | None]:
        """A name not yet registered in ``country``, as a registrant whose first choice was
        taken would pick: another draw of the same style (a Russian name gains a word).
        Drawn from a generator of the company's own, so that the world's other draws stay
        what they were without the refusal."""
        own = random.Random(f"{self.world.seed}:{tid}")
        for _ in range(200):
            words, native = _company_words(own, style, extended=True)
            if (country, words.casefold()) not in self._registered:
                return words, native
        serial = 2
        while (country, f"{words} {serial}".casefold()) in self._registered:
            serial += 1
        return f"{words} {serial}", None if native is None else f"{native} {serial}"

    def vessel(self, kind: str = "network") -> Vessel:
        rng = self.rng
        vessel = Vessel(
            self._id("V"),
            rng.choice(pools()["vessel_words"]),
            ids.imo(rng),
            str(rng.randint(200000000, 775999999)),
            rng.choice(pools()["flags"]),
            kind,
        )
        self.world.vessels.append(vessel)
        return vessel

    def account(self, holder: str) -> Account:
        rng = self.rng
        country = rng.choice(ids.iban_countries())
        account = Account(
            self._id("A"), ids.iban(rng, country), holder, rng.choice(["EUR", "USD", "AED", "GBP"])
        )
        self.world.accounts.append(account)
        return account

    def wallet(self, holder: str) -> Wallet:
        rng = self.rng
        currency = rng.choice(["BTC", "ETH", "USDT"])
        address = ids.btc_address(rng) if currency == "BTC" else ids.eth_address(rng)
        wallet = Wallet(self._id("W"), address, currency, holder)
        self.world.wallets.append(wallet)
        return wallet

    def build(self) -> World:
        rng, counts, world = self.rng, self.counts, self.world
        all_domains = sorted(DOMAIN_ORGS)
        for n in range(counts["networks"]):
            boss = self.person(kind="network")
            lieutenants = [self.person(kind="network") for _ in range(rng.randint(1, 2))]
            companies = [self.company(kind="network") for _ in range(rng.randint(1, 2))]
            vessel = self.vessel()
            network = Network(
                nid=f"N{n + 1:04d}",
                boss=boss,
                lieutenants=lieutenants,
                companies=companies,
                vessel=vessel,
                account=self.account(companies[0].tid),
                wallet=self.wallet(lieutenants[0].tid),
                domains=sorted(rng.sample(all_domains, rng.randint(3, 5))),
                group_name=f"{rng.choice(pools()['company_words']['latin'])} Brotherhood",
            )
            world.networks.append(network)
        for _ in range(counts["namesakes"]):
            first = self.person(kind="namesake")
            world.namesakes.append((first, self.namesake_of(first, "namesake")))
        for _ in range(counts["legit"]):
            world.legit.append(self.company(kind="legit"))
        for _ in range(counts["repeaters"]):
            world.repeaters.append(self.person(kind="repeater"))
        for _ in range(counts["persons"]):
            self.person()
        for _ in range(counts["companies"]):
            self.company()
        for _ in range(counts["networks"]):  # ships no network uses: repeat offenders' seizures
            self.vessel(kind="background")
        return world


def _second_name(
    pool: dict[str, Any], gender: str, family: dict[str, Any], rng: random.Random
) -> tuple[dict[str, Any] | None, str | None]:
    """The culture's third name part, if it has one: without it a large world gives most of
    its people a full-name twin, far more than real registers hold."""
    if "patronymics" in pool:
        return rng.choice(pool["patronymics"])[gender], "patronymic"
    if "fathers" in pool and rng.random() < pool["father"]:
        return rng.choice(pool["fathers"]), "father"
    if rng.random() < pool.get("second_family", 0.0):
        second = rng.choice(pool["family"])
        return (None, None) if second is family else (second, "family")
    return None, None


def _company_words(
    rng: random.Random, style: str, extended: bool = False
) -> tuple[str, str | None]:
    """A company's name without its legal form, and its native spelling where it has one.
    ``extended``: a second choice, from a larger space (a Russian name gains a word)."""
    words_pool = pools()["company_words"]
    if style == "ru":
        entry = rng.choice(words_pool["ru"])
        suffix = rng.choice(words_pool["ru_suffixes"])
        words = f"{entry['latin'][0]}-{suffix['latin'][0]}"
        native = f"{entry['native']}-{suffix['native']}"
        if extended:
            extra = rng.choice(words_pool["ru_extensions"])
            words, native = f"{words} {extra['latin'][0]}", f"{native} {extra['native']}"
        return words, native
    if style == "ar":
        entry = rng.choice(words_pool["ar"])
        words = (
            f"{entry['latin'][0]} {rng.choice(words_pool['latin'])} "
            f"{rng.choice(words_pool['trades'])}"
        )
        return words, None
    # Real registries rarely hold two companies of one name: draw from a large space.
    first, second = rng.sample(words_pool["latin"], 2)
    middle = f" {second}" if rng.random() < 0.7 else ""
    return f"{first}{middle} {rng.choice(words_pool['trades'])}", None


def _ascii(text: str) -> str:
    """Lower-case ASCII letters only, for synthetic e-mail addresses."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.lower() if "a" <= ch <= "z")
