"""ristretto255 arithmetic at the identity, without Django (tests/MUTATION.md).

rbcl answers 32 zero bytes both for an honest O and for an invalid operand, so
``_combine`` checks the operands of an O result: O itself must pass that check.
"""

import pytest

from ballots.crypto import EncodingError
from ballots.crypto.group import BASE, IDENTITY, add, point_sum, sub


def test_the_identity_plus_the_identity_is_the_identity():
    assert add(IDENTITY, IDENTITY) == IDENTITY
    assert sub(IDENTITY, IDENTITY) == IDENTITY
    assert point_sum([IDENTITY, IDENTITY]) == IDENTITY
    assert sub(BASE, BASE) == IDENTITY


def test_an_invalid_operand_giving_zero_bytes_is_still_refused():
    not_a_point = bytes([1]) + bytes(31)
    with pytest.raises(EncodingError):
        add(not_a_point, IDENTITY)
