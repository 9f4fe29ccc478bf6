"""Identifiers as evidence: normalise them, and say how much an equal or a different one means.

An equal *strong* identifier (IBAN, IMO, LEI, INN, passport, crypto address, ...) is
near-conclusive; two different values of a *unique* kind (an entity has only one IMO number,
one IBAN, one birth date) are strong evidence against. *Weak* identifiers (e-mail, phone,
registration numbers written without their country, user names) support a match but their
absence or difference says little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rigour.ids import get_identifier_format

_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


@dataclass(frozen=True)
class IdentifierKind:
    """How one FtM property's values count as evidence."""

    kind: str
    strong: bool
    unique: bool
    fmt: str | None = None


# property name -> kind; the same kind across schemata (a Company's and a Person's innCode).
PROPERTY_KINDS: dict[str, IdentifierKind] = {
    "iban": IdentifierKind("iban", True, True, "iban"),
    "accountNumber": IdentifierKind("account", True, False),
    "imoNumber": IdentifierKind("imo", True, True, "imo"),
    "mmsi": IdentifierKind("mmsi", True, True),
    "leiCode": IdentifierKind("lei", True, True, "lei"),
    "innCode": IdentifierKind("inn", True, False, "inn"),
    "ogrnCode": IdentifierKind("ogrn", True, False, "ogrn"),
    "passportNumber": IdentifierKind("passport", True, False),
    "idNumber": IdentifierKind("national_id", True, False),
    "taxNumber": IdentifierKind("tax", True, False),
    "socialSecurityNumber": IdentifierKind("ssn", True, False, "ssn"),
    "publicKey": IdentifierKind("crypto", True, True),
    "cryptoAddress": IdentifierKind("crypto", True, True),
    "registrationNumber": IdentifierKind("registration", False, False),
    "email": IdentifierKind("email", False, False),
    "phone": IdentifierKind("phone", False, False),
    "username": IdentifierKind("username", False, False),
    "vatCode": IdentifierKind("vat", True, False),
    "swiftBic": IdentifierKind("bic", True, True, "bic"),
}


def normalize(prop: str, value: str) -> str | None:
    """A comparable form of ``value`` for property ``prop`` (``None``: not usable)."""
    spec = PROPERTY_KINDS.get(prop)
    if spec is None:
        return None
    if spec.fmt is not None:
        fmt = get_identifier_format(spec.fmt)
        if fmt is not None:
            normal = fmt.normalize(value)
            if normal is None:
                return None
            return _NON_ALNUM.sub("", normal).upper()
    if spec.kind == "email":
        return value.strip().lower() or None
    if spec.kind == "crypto":
        text = value.strip()
        return text.lower() if text.lower().startswith(("0x", "bc1")) else text
    if spec.kind == "username":
        return value.strip().lstrip("@").lower() or None
    if spec.kind == "registration":
        # Registries write the same number with or without a country prefix, dashes,
        # "No."; the digits are what stays.
        digits = "".join(ch for ch in value if ch.isdigit())
        return digits if len(digits) >= 5 else None
    text = _NON_ALNUM.sub("", value).upper()
    return text if len(text) >= 4 else None


def kind_of(prop: str) -> IdentifierKind | None:
    return PROPERTY_KINDS.get(prop)
