"""Authentication backends: voters (matricule, birth date, key, password) and staff."""

import datetime as dt

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password

from .models import User, Voter
from .secrets import security_key_matches


class VoterBackend:
    """Authenticate a voter of one election with the four values of the notice.

    The work done is the same whether or not the matricule exists: exactly one
    password-hasher call and one Fernet decryption per attempt, so response times
    do not tell which matricules exist.
    """

    def authenticate(
        self,
        request,
        *,
        election=None,
        matricule: str | None = None,
        birth_date: dt.date | None = None,
        security_key: str | None = None,
        password: str | None = None,
    ):
        if election is None or matricule is None or password is None:
            return None
        voter = (
            Voter.objects.select_related("user", "election")
            .filter(election=election, matricule=matricule.strip())
            .first()
        )
        if voter is None:
            make_password(password)  # one hasher run, as for a real account
            security_key_matches(security_key or "", None)
            return None
        password_ok = voter.user.check_password(password)
        key_ok = security_key_matches(security_key or "", voter.security_key_encrypted)
        if password_ok and key_ok and voter.birth_date == birth_date and voter.user.is_active:
            return voter.user
        return None

    def get_user(self, user_id):
        """The session's user with their voter profile and election, in one query
        (every voter page needs all three)."""
        user = User.objects.select_related("voter__election").filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


class StaffBackend(ModelBackend):
    """Django's username/password login for staff; voters cannot use it."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not user.is_voter
