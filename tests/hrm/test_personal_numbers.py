from __future__ import annotations

import pytest

from hrm import personal_numbers


def test_a_valid_number_is_normalised_hashed_and_masked() -> None:
    normalized = personal_numbers.normalize("19811218-9876")
    assert normalized == "198112189876"
    assert personal_numbers.masked(normalized) == "19811218-****"
    digest = personal_numbers.keyed_hash(normalized)
    assert normalized not in digest and len(digest) == 64


@pytest.mark.parametrize("raw", ["", "1981-12-18", "19811218-9875", "abc"])
def test_invalid_numbers_are_refused(raw: str) -> None:
    with pytest.raises(personal_numbers.InvalidPersonalNumber):
        personal_numbers.normalize(raw)
