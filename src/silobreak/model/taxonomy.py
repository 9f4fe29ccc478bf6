"""Sectors, crime domains, TLP markings and handling codes, read from ``taxonomy.yml``.

The taxonomy is data so that a hub can adjust which FollowTheMoney topics count towards which
crime domain without touching code; this module only loads it and answers questions about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Taxonomy:
    """The parsed taxonomy file."""

    sectors: dict[str, str]
    domains: dict[str, dict[str, Any]]
    markings: tuple[str, ...]
    default_marking: str
    handling: dict[str, str]
    default_handling: str
    source_grades: dict[str, str]

    def domains_for_topics(self, topics: list[str] | set[str]) -> set[str]:
        """Map FtM topics (``crime.env``, ``sanction.linked``...) to crime domains."""
        found: set[str] = set()
        for domain, spec in self.domains.items():
            for pattern in spec.get("topics", []):
                for topic in topics:
                    if pattern.endswith("*"):
                        if topic.startswith(pattern[:-1]):
                            found.add(domain)
                    elif topic == pattern:
                        found.add(domain)
        return found

    def marking_rank(self, marking: str) -> int:
        """Position of a marking from least (0, CLEAR) to most restrictive (4, RED)."""
        return self.markings.index(marking)


@cache
def taxonomy() -> Taxonomy:
    """Load the packaged taxonomy once per process."""
    text = resources.files("silobreak.model").joinpath("taxonomy.yml").read_text("utf-8")
    data = yaml.safe_load(text)
    return Taxonomy(
        sectors=dict(data["sectors"]),
        domains=dict(data["domains"]),
        markings=tuple(data["markings"]),
        default_marking=data["default_marking"],
        handling=dict(data["handling"]),
        default_handling=data["default_handling"],
        source_grades=dict(data["source_grades"]),
    )


def normalize_marking(value: str) -> str:
    """Accept ``AMBER``, ``tlp:amber``, ``TLP:AMBER+STRICT`` ...; return the canonical form.

    Raises ``ValueError`` naming the allowed values when the marking is unknown.
    """
    text = value.strip().upper().replace(" ", "")
    if not text.startswith("TLP:"):
        text = f"TLP:{text}"
    if text == "TLP:WHITE":  # TLP 1.0 name of CLEAR, still common in feeds
        text = "TLP:CLEAR"
    allowed = taxonomy().markings
    if text not in allowed:
        raise ValueError(f"unknown marking {value!r}; use one of {', '.join(allowed)}")
    return text


def normalize_handling(value: str) -> str:
    """Accept ``h2`` or ``H2``; raise ``ValueError`` for anything outside H0-H3."""
    text = value.strip().upper()
    allowed = taxonomy().handling
    if text not in allowed:
        raise ValueError(f"unknown handling code {value!r}; use one of {', '.join(allowed)}")
    return text


def check_domain(value: str) -> str:
    """Return the domain name or raise ``ValueError`` listing the seven domains."""
    text = value.strip().lower()
    if text not in taxonomy().domains:
        known = ", ".join(taxonomy().domains)
        raise ValueError(f"unknown crime domain {value!r}; use one of {known}")
    return text


def check_sector(value: str) -> str:
    """Return the sector name or raise ``ValueError`` listing the sectors."""
    text = value.strip().lower()
    if text not in taxonomy().sectors:
        raise ValueError(f"unknown sector {value!r}; use one of {', '.join(taxonomy().sectors)}")
    return text


def check_source_grade(value: str) -> str:
    """Return the Admiralty reliability grade (A-F) or raise ``ValueError``."""
    text = value.strip().upper()
    if text not in taxonomy().source_grades:
        raise ValueError(f"unknown source grade {value!r}; use one of A-F")
    return text
