"""The captcha's audio alternative: its digits read aloud in French by espeak-ng.

django-simple-captcha's own audio view speaks through flite, whose only voice is
English; this one serves the same URL (``captcha-audio``) and asks espeak-ng's French
voice for a WAV file. The page offers the audio link only where the program is found
(``settings.CAPTCHA_VOICE_PATH``).
"""

from __future__ import annotations

import subprocess  # noqa: S404 (a fixed program, arguments never read by a shell)
import tempfile
from pathlib import Path

from django.conf import settings

TIMEOUT_SECONDS = 10


def voice_command(digits: str, output: Path) -> list[str]:
    """espeak-ng, French voice, slow, one digit at a time (commas make the pauses)."""
    return [str(settings.CAPTCHA_VOICE_PATH), "-v", "fr", "-s", "120", "-w", str(output), ", ".join(digits)]


def digits_spoken(digits: str) -> bytes | None:
    """The WAV file reading ``digits`` aloud, or None if the voice program failed.

    Only digits are ever spoken (the challenge is digits only): nothing typed by a
    visitor reaches the command line.
    """
    if not settings.CAPTCHA_VOICE_PATH or not digits.isdigit():
        return None
    with tempfile.TemporaryDirectory(prefix="isoloir-captcha-") as folder:
        output = Path(folder) / "captcha.wav"
        try:
            subprocess.run(  # noqa: S603 (fixed program and arguments, no shell)
                voice_command(digits, output), check=True, timeout=TIMEOUT_SECONDS, capture_output=True
            )
            wav = output.read_bytes()
        except (OSError, subprocess.SubprocessError):
            return None
    return wav if wav[:4] == b"RIFF" and wav[8:12] == b"WAVE" else None
