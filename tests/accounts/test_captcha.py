"""Issue 14, item 7: the seed-004 login in the guide's order (identifiant, « Recopier les
chiffres », mot de passe), a digits-only captcha, a refresh that works with and without
JavaScript, and an audio alternative in French offered only where espeak-ng can speak it."""

import os
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from captcha.models import CaptchaStore
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts import captcha_voice
from accounts.challenge import digits_challenge
from elections.models import Election
from tests.factories import ElectionFactory

pytestmark = pytest.mark.django_db

CAPTCHA_LABEL = "Recopiez les chiffres de l'image"


@pytest.fixture
def election(db):
    return ElectionFactory(login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True)


@pytest.fixture
def voice() -> str:
    """The espeak-ng program: required under CI (.ci/run installs it); elsewhere the audio
    tests are reported as not run, with the install command."""
    path = shutil.which("espeak-ng")
    if path is None:
        message = "espeak-ng missing: apt-get install espeak-ng (the captcha's audio alternative)"
        if os.environ.get("CI") or os.environ.get("REQUIRE_SPEECH"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def page(client, election) -> str:
    return unescape(client.get(f"/connexion/{election.slug}/").content.decode())


def test_the_challenge_is_digits_only():
    assert settings.CAPTCHA_CHALLENGE_FUNCT == "accounts.challenge.digits_challenge"
    for _ in range(50):
        challenge, response = digits_challenge()
        assert challenge == response
        assert challenge.isdigit() and len(challenge) == settings.CAPTCHA_LENGTH
    store = CaptchaStore.objects.get(hashkey=CaptchaStore.generate_key())
    assert store.challenge.isdigit()


def test_the_identifier_login_follows_the_guides_order(client, election):
    html = page(client, election)
    positions = [
        html.index('<label class="fr-label" for="id_identifier">Identifiant'),
        html.index(f'<label class="fr-label" for="id_captcha_1">{CAPTCHA_LABEL}'),
        html.index('<label class="fr-label" for="id_password">Mot de passe Élections'),
    ]
    assert positions == sorted(positions)


def test_the_captcha_can_be_refreshed_with_or_without_javascript(client, election):
    html = page(client, election)
    # Without JavaScript: a link that reloads the page, which draws new digits.
    link = re.search(r'<a[^>]*href="([^"]*)"[^>]*data-captcha-refresh[^>]*>([^<]*)', html)
    assert link and link.group(1) == "" and link.group(2) == "Afficher d'autres chiffres"  # this page
    # With it: a static script (the CSP forbids inline script) asks the library's view.
    assert re.search(r'<script src="/static/js/captcha\.js" defer></script>', html)
    assert re.search(r'data-captcha-refresh-url="/captcha/refresh/"', html)
    answer = client.get("/captcha/refresh/", headers={"x-requested-with": "XMLHttpRequest"})
    assert answer.status_code == 200
    data = answer.json()
    assert CaptchaStore.objects.get(hashkey=data["key"]).challenge.isdigit()
    assert data["image_url"] == f"/captcha/image/{data['key']}/"


def test_the_image_has_a_french_alternative(client, election):
    html = page(client, election)
    assert re.search(r'<img src="/captcha/image/\w+/" alt="Chiffres à recopier \(image\)"', html)


def test_no_audio_link_without_a_voice_program(client, election, monkeypatch):
    # django-simple-captcha reads its settings once, at import.
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_FLITE_PATH", None)
    assert "Écouter les chiffres" not in page(client, election)
    assert "/captcha/audio/" not in page(client, election)


def test_the_audio_alternative_plays_a_wav_of_the_digits_in_french(client, election, voice):
    html = page(client, election)
    link = re.search(r'<a[^>]*href="(/captcha/audio/(\w+)\.wav)"[^>]*>Écouter les chiffres', html)
    assert link
    response = Client().get(link.group(1))
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    assert "no-store" in response["Cache-Control"]
    body = response.content
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE" and len(body) > 1000
    # The size in the header is the file's (espeak-ng's --stdout would leave it unknown).
    assert int.from_bytes(body[4:8], "little") == len(body) - 8
    challenge = CaptchaStore.objects.get(hashkey=link.group(2)).challenge
    command = captcha_voice.voice_command(challenge, Path("captcha.wav"))
    assert command[:3] == [voice, "-v", "fr"] and command[-1] == ", ".join(challenge)


def test_an_expired_or_unknown_challenge_is_gone_not_spoken(client, election, voice):
    CaptchaStore.objects.create(
        challenge="12345", response="12345", hashkey="perime", expiration=timezone.now()
    )
    for key in ("perime", "inconnu"):
        response = Client().get(f"/captcha/audio/{key}.wav")
        assert response.status_code == 410
        assert "plus valables" in response.content.decode()


def test_only_digits_ever_reach_the_voice_program(voice):
    assert captcha_voice.digits_spoken("12; rm -rf /") is None
    assert captcha_voice.digits_spoken("") is None


def test_the_voice_is_found_by_default_when_installed(voice):
    assert settings.CAPTCHA_VOICE_PATH == voice
    assert settings.CAPTCHA_FLITE_PATH == voice  # what makes the library offer the link
