"""How each organization writes a name: order, case, script, spelling variant, typos.

A *style* is a small dict an organization keeps for all its records, so the bank's records
look alike and differ from the registry's, as they do in life.
"""

from __future__ import annotations

import random
from typing import Any

from silobreak.scenario.world import Company, Person, pools

Style = dict[str, Any]


def typo(text: str, rng: random.Random) -> str:
    """One keyboard-style error: drop, double, swap or replace a letter (not the first)."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha() and i > 0]
    if len(letters) < 3:
        return text
    i = rng.choice(letters[:-1])
    op = rng.randrange(4)
    if op == 0:
        return text[:i] + text[i + 1 :]
    if op == 1:
        return text[:i] + text[i] + text[i:]
    if op == 2:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    near = "aeiou" if text[i].lower() in "aeiou" else "nmrstlkh"
    return text[:i] + rng.choice(near) + text[i + 1 :]


def _case(text: str, mode: str) -> str:
    if mode == "upper":
        return text.upper()
    if mode == "lower":
        return text.lower()
    return text


def _spell(entry: dict[str, Any], rng: random.Random, variant: float) -> str:
    options: list[str] = entry["latin"]
    return rng.choice(options) if rng.random() < variant else options[0]


def person_name(p: Person, rng: random.Random, style: Style) -> str:
    """Render a person's name in an organization's style. The culture's third part (a
    patronymic, bin + the father's name, a second family name) is written with the style's
    ``second`` probability: foreign clerks often drop it."""
    second = p.second if rng.random() < style.get("second", 0.7) else None
    after_given = second is not None and p.second_kind != "family"
    if "native" in p.given and "native" in p.family and rng.random() < style.get("native", 0):
        given, family = p.given["native"], p.family["native"]
        if p.culture == "zh":
            return f"{family}{given}"
        if after_given and second is not None and "native" in second:
            given = f"{given} {second['native']}"
        return f"{family} {given}" if rng.random() < 0.5 else f"{given} {family}"
    variant = style.get("variant", 0.3)
    given = _spell(p.given, rng, variant)
    family = _spell(p.family, rng, variant)
    if p.middle is not None and rng.random() < style.get("middle", 0.5):
        middle = _spell(p.middle, rng, variant)
        given = f"{given} {middle[0]}." if rng.random() < 0.4 else f"{given} {middle}"
    if second is not None:
        part = _spell(second, rng, variant)
        if after_given:
            given = f"{given} {part}"
        else:
            family = f"{family} {part}"
    order = style.get("order", "first_last")
    if order == "last_comma_first":
        text = f"{_case(family, 'upper')}, {given}"
    elif order == "last_first":
        text = f"{family} {given}"
    else:
        text = f"{given} {family}"
    text = _case(text, style.get("case", "as_is"))
    if rng.random() < style.get("typo", 0.05):
        text = typo(text, rng)
    return text


def company_name(c: Company, rng: random.Random, style: Style) -> str:
    """Render a company name: legal form variant, position, script, case, typos."""
    forms = pools()["legal_forms"][c.form_kind]["forms"]
    form = rng.choice(forms) if rng.random() < style.get("form_variant", 0.5) else forms[0]
    if rng.random() < style.get("drop_form", 0.1):
        form = ""
    if c.native and rng.random() < style.get("native", 0):
        native_form = "ООО" if rng.random() < 0.7 else "Общество с ограниченной ответственностью"
        return f"{native_form} «{c.native}»"
    words = c.words
    if form in ("OOO", "ООО") or (form.startswith("Obshchestvo") and rng.random() < 0.5):
        text = f'{form} "{words}"' if rng.random() < 0.5 else f"{form} {words}"
    else:
        text = f"{words} {form}".strip()
    text = _case(text, style.get("case", "as_is"))
    if rng.random() < style.get("typo", 0.05):
        text = typo(text, rng)
    return text
