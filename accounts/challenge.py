"""The captcha's challenge (django-simple-captcha's CAPTCHA_CHALLENGE_FUNCT).

Seed 004 says « Recopier les chiffres »: digits only, which also reads unambiguously
aloud in the audio alternative.
"""

import secrets

from django.conf import settings


def digits_challenge() -> tuple[str, str]:
    """(shown, expected): CAPTCHA_LENGTH random digits, the same both ways."""
    digits = "".join(secrets.choice("0123456789") for _ in range(settings.CAPTCHA_LENGTH))
    return digits, digits
