"""The crypto core's box and strict JSON, without Django (tests/MUTATION.md).

Written against mutants of ballots/crypto that survived ``make mutation``: the verified
box is the list of verified ballots, and a refused JSON says what it refused (the
verifier prints it to the auditor).
"""

import pytest

from ballots.crypto import EncodingError, create_ballot, parse_json, verify_ballot, verify_box

from .test_crypto import HONEST, PARAMS


def test_the_verified_box_is_each_ballot_verified_in_order():
    second = create_ballot(PARAMS, "blank")
    assert verify_box(PARAMS, [HONEST, second]) == [
        verify_ballot(PARAMS, HONEST),
        verify_ballot(PARAMS, second),
    ]


@pytest.mark.parametrize(
    "text,reason",
    [
        ('{"a": 1.5}', "floats are not allowed"),
        ('{"a": NaN}', "NaN is not allowed in JSON"),
        ('{"a": -Infinity}', "-Infinity is not allowed in JSON"),
    ],
)
def test_refused_json_names_what_it_refused(text, reason):
    with pytest.raises(EncodingError, match=f"^{reason}$"):
        parse_json(text)
