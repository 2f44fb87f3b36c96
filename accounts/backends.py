"""Authentication backends: voters (the notice's four values, or the seed-004 identifier
and mot de passe Élections) and staff."""

import datetime as dt

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.db.models.functions import Lower

from .models import User, Voter
from .secrets import security_key_matches


class _VoterSessionBackend:
    def get_user(self, user_id):
        """The session's user with their voter profile and election, in one query
        (every voter page needs all three)."""
        user = User.objects.select_related("voter__election").filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


class VoterBackend(_VoterSessionBackend):
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
        # Seed 004: once the voter's identifier is confirmed, the notice is retired.
        retired = election.uses_identifier_login and voter.identifier_active
        if password_ok and key_ok and voter.birth_date == birth_date and voter.user.is_active and not retired:
            return voter.user
        return None


class IdentifierBackend(_VoterSessionBackend):
    """Seed 004: the voter's confirmed address (« Identifiant ») and mot de passe Élections.

    Only for elections in identifier mode and voters whose identifier is active; as
    above, one hasher run whether or not the address is known.
    """

    def authenticate(
        self, request, *, election=None, identifier: str | None = None, password: str | None = None
    ):
        if election is None or identifier is None or password is None or not election.uses_identifier_login:
            return None
        voter = identifier_voter(election, identifier)
        if voter is None:
            make_password(password)
            return None
        if voter.user.check_password(password) and voter.user.is_active:
            return voter.user
        return None


def identifiers(election):
    """The election's active identifiers, by lower-cased address: the same expression and
    condition as the unique index voter_identifier_unique_in_election, which serves the
    lookup (an ``iexact`` would compare UPPER() and scan every voter)."""
    return Voter.objects.annotate(email_lower=Lower("email")).filter(
        election=election, email_confirmed=True, credentials_set_up__isnull=False
    )


def identifier_voter(election, identifier: str) -> Voter | None:
    """The voter whose active identifier this address is, in this election."""
    return (
        identifiers(election)
        .select_related("user", "election")
        .filter(email_lower=identifier.strip().lower())
        .first()
    )


class StaffBackend(ModelBackend):
    """Django's username/password login for staff; voters cannot use it."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not user.is_voter
