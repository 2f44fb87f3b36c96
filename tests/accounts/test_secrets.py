import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts import secrets


@pytest.mark.parametrize(
    "typed,expected",
    [("A012 01", "A01201"), ("a012-01", "A01201"), (" fr76 1234 ", "FR761234"), ("élève", "ELEVE")],
)
def test_typed_values_are_normalised(typed, expected):
    assert secrets.normalise(typed) == expected


def test_digest_matches_however_the_value_is_typed(settings):
    stored = secrets.digest("iban-tail", "A012 01")
    assert secrets.digest_matches("iban-tail", "a01201", stored)
    assert not secrets.digest_matches("iban-tail", "A01202", stored)
    assert not secrets.digest_matches("iban-tail", "A01201", "")


def test_digest_depends_on_the_key_and_the_kind(settings):
    first = secrets.digest("numen", "12345")
    assert secrets.digest("nir-prefix", "12345") != first
    settings.RECOVERY_HMAC_KEY = "another-key"
    assert secrets.digest("numen", "12345") != first


def test_security_key_alphabet_has_no_look_alikes():
    for confusable in "0O1IL5S2Z8B":
        assert confusable not in secrets.SECURITY_KEY_ALPHABET
    key = secrets.generate_security_key()
    assert len(key) == 12 and set(key) <= set(secrets.SECURITY_KEY_ALPHABET)


@given(st.text(alphabet=secrets.SECURITY_KEY_ALPHABET, min_size=12, max_size=12))
def test_security_key_round_trips_through_fernet(key):
    token = secrets.encrypt_security_key(key)
    assert key.encode() not in token
    assert secrets.decrypt_security_key(token) == key
    assert secrets.security_key_matches(secrets.format_security_key(key).lower(), token)


def test_a_token_from_another_key_does_not_decrypt(settings):
    token = secrets.encrypt_security_key("ACDEFGHJKMNP")
    settings.FERNET_KEYS = ["YW5vdGhlci1mZXJuZXQta2V5LWZvci10aGUtdGVzdCE="]
    assert secrets.decrypt_security_key(token) is None
    assert not secrets.security_key_matches("ACDEFGHJKMNP", token)


def test_key_rotation_keeps_old_tokens_readable(settings):
    old = settings.FERNET_KEYS[0]
    token = secrets.encrypt_security_key("ACDEFGHJKMNP")
    settings.FERNET_KEYS = ["YW5vdGhlci1mZXJuZXQta2V5LWZvci10aGUtdGVzdCE=", old]
    assert secrets.decrypt_security_key(token) == "ACDEFGHJKMNP"
