from __future__ import annotations

import pytest

from silobreak.model.taxonomy import (
    check_domain,
    check_sector,
    normalize_handling,
    normalize_marking,
    taxonomy,
)


def test_seven_domains_and_eight_sectors() -> None:
    tax = taxonomy()
    assert set(tax.domains) == {
        "corruption",
        "environmental_crime",
        "organized_crime",
        "illicit_trade",
        "financial_crime",
        "human_trafficking",
        "cybercrime",
    }
    assert len(tax.sectors) == 8


@pytest.mark.parametrize(
    ("topics", "expected"),
    [
        (["crime.env"], {"environmental_crime"}),
        (["crime.traffick.human"], {"human_trafficking"}),
        (["forced.labor"], {"human_trafficking"}),
        (["sanction.linked"], {"illicit_trade"}),
        (["export.control.linked"], {"illicit_trade"}),
        (["role.pep.natl", "crime.fin"], {"corruption", "financial_crime"}),
        (["crime.traffick"], {"illicit_trade"}),
        (["crime.boss", "crime.cyber"], {"organized_crime", "cybercrime"}),
        (["poi", "corp.public"], set()),
    ],
)
def test_topics_map_to_domains(topics: list[str], expected: set[str]) -> None:
    assert taxonomy().domains_for_topics(topics) == expected


def test_markings_are_normalised() -> None:
    assert normalize_marking("amber") == "TLP:AMBER"
    assert normalize_marking("TLP:AMBER+STRICT") == "TLP:AMBER+STRICT"
    assert normalize_marking("white") == "TLP:CLEAR"
    with pytest.raises(ValueError, match="unknown marking 'PURPLE'"):
        normalize_marking("PURPLE")
    assert taxonomy().marking_rank("TLP:RED") > taxonomy().marking_rank("TLP:GREEN")


def test_codes_are_checked() -> None:
    assert normalize_handling("h3") == "H3"
    with pytest.raises(ValueError, match="H0"):
        normalize_handling("H9")
    with pytest.raises(ValueError, match="unknown crime domain"):
        check_domain("piracy")
    with pytest.raises(ValueError, match="unknown sector"):
        check_sector("military")
