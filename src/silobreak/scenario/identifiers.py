"""Valid synthetic identifiers (check digits included) and the ways clerks format them."""

from __future__ import annotations

import random
import string

import phonenumbers
from phonenumbers import PhoneNumberType
from rigour.ids import IMO

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_IBAN_BBAN = {
    "de": (18, "d"),
    "gb": (18, "a4d14"),
    "ae": (19, "d"),
    "nl": (14, "a4d10"),
    "fr": (23, "d"),
    "ua": (25, "d"),
    "sa": (20, "d"),
    "tr": (22, "d"),
}


def imo(rng: random.Random) -> str:
    """A 7-digit IMO ship number with a correct check digit."""
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(5)]
    check = sum(d * (7 - i) for i, d in enumerate(digits)) % 10
    return "".join(map(str, digits)) + str(check)


def wrong_imo(value: str) -> str:
    """``value`` with another check digit that neither IMO scheme accepts: rigour also admits
    company IMO numbers (another checksum), so one digit off can land on a valid number."""
    for step in range(1, 10):
        wrong = f"{value[:-1]}{(int(value[-1]) + step) % 10}"
        if not IMO.is_valid(wrong):
            return wrong
    raise ValueError(f"every check digit of {value} is valid in some IMO scheme")


def iban(rng: random.Random, country: str) -> str:
    """A syntactically valid IBAN (mod-97 check digits) for one of the supported countries."""
    length, pattern = _IBAN_BBAN[country]
    if pattern == "d":
        bban = "".join(rng.choice(string.digits) for _ in range(length))
    else:
        letters, digits = int(pattern[1]), int(pattern[3:])
        bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(letters))
        bban += "".join(rng.choice(string.digits) for _ in range(digits))
    code = country.upper()
    numeric = "".join(str(int(ch, 36)) for ch in bban + code + "00")
    check = 98 - int(numeric) % 97
    return f"{code}{check:02d}{bban}"


def iban_countries() -> list[str]:
    return sorted(_IBAN_BBAN)


def format_iban(value: str, rng: random.Random) -> str:
    """Compact, grouped by four, or lower case: all the same account."""
    style = rng.random()
    if style < 0.4:
        return value
    grouped = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return grouped.lower() if style > 0.9 else grouped


def format_imo(value: str, rng: random.Random) -> str:
    return rng.choice([f"IMO {value}", f"IMO{value}", value, f"IMO-{value}"])


def btc_address(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "1" + "".join(rng.choice(_B58) for _ in range(33))
    return "bc1q" + "".join(rng.choice(_BECH32) for _ in range(38))


def eth_address(rng: random.Random) -> str:
    return "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40))


def reg_number(rng: random.Random, country: str) -> str:
    return f"{country.upper()}{rng.randint(100000, 999999)}{rng.randint(10, 99)}"


def format_reg_number(value: str, rng: random.Random) -> str:
    """Registry numbers with or without country prefix, dashes or spaces."""
    body = value[2:]
    return rng.choice([value, body, f"{body[:3]}-{body[3:]}", f"{value[:2]} {body}", f"No. {body}"])


def phone(rng: random.Random, country: str) -> tuple[str, str]:
    """(calling code, national number) of a valid mobile number in ``country``.

    Built from libphonenumber's example number for the region with random trailing digits,
    so that FtM's phone cleaning (which checks numbering plans) accepts it.
    """
    region = country.upper()
    example = phonenumbers.example_number_for_type(
        region, PhoneNumberType.MOBILE
    ) or phonenumbers.example_number_for_type("GB", PhoneNumberType.MOBILE)
    assert example is not None
    national = str(example.national_number)
    for _ in range(20):
        tail = "".join(rng.choice(string.digits) for _ in range(4))
        candidate = national[:-4] + tail
        parsed = phonenumbers.parse(f"+{example.country_code}{candidate}")
        if phonenumbers.is_valid_number(parsed):
            return str(example.country_code), candidate
    return str(example.country_code), national


def format_phone(number: tuple[str, str], rng: random.Random) -> str:
    """International forms only: FtM rejects national numbers without a country hint."""
    cc, rest = number
    return rng.choice(
        [
            f"+{cc}{rest}",
            f"+{cc} {rest[:3]} {rest[3:6]} {rest[6:]}",
            f"+{cc}-{rest}",
            f"+{cc} {rest}",
        ]
    )
