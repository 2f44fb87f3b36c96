import datetime as dt
from typing import cast

from captcha.fields import CaptchaField
from django import forms
from django.utils import timezone

from voting_portal.forms import DsfrFormMixin

from .recovery import IDENTITY_DOCUMENTS, KEY_CALLERS
from .votecode import IDENTIFIER_KINDS as VOTE_CODE_IDENTIFIERS

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


class OptionalCaptchaMixin(DsfrFormMixin):
    """Adds the captcha when the election asks for it (``captcha=True``), where the form's
    ``field_order`` puts it (seed 004: identifiant, captcha, then the password)."""

    def __init__(self, *args, captcha: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if captcha:
            self.fields["captcha"] = CaptchaField(
                label="Recopiez les chiffres de l'image",
                error_messages={"invalid": "Les chiffres recopiés ne correspondent pas à l'image."},
            )
            self.style_widgets()
            form = cast(forms.BaseForm, self)  # the mixin is always mixed into a Form
            if form.field_order:
                form.order_fields(form.field_order)


class VoterLoginForm(OptionalCaptchaMixin, forms.Form):
    """The four values of the notice de vote; the captcha when the election asks for it.

    Only the format of each value is checked here: whether they are right is the
    backend's question, answered with one generic message.
    """

    matricule = forms.CharField(
        label="Matricule",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    birth_date = forms.DateField(
        label="Date de naissance",
        help_text="Au format JJ/MM/AAAA, par exemple 14/07/1985.",
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"autocomplete": "bday", "inputmode": "numeric"}),
        error_messages={"invalid": "Saisissez la date de naissance au format JJ/MM/AAAA."},
    )
    security_key = forms.CharField(
        label="Clé de sécurité",
        max_length=40,
        help_text="Au dos de votre carte agent, ou sur votre fiche « clé de sécurité ».",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    password = forms.CharField(
        label="Mot de passe",
        max_length=128,
        strip=False,
        help_text="Dans la notice de vote remise en main propre par votre référent RH.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_birth_date(self) -> dt.date:
        value = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if not (dt.date(1900, 1, 1) <= value <= today):
            raise forms.ValidationError("Cette date de naissance n'est pas possible.")
        return value


class EmailChangeForm(DsfrFormMixin, forms.Form):
    email = forms.EmailField(
        label="Nouvelle adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordReassortForm(OptionalCaptchaMixin, forms.Form):
    """Seed 000, case 3: the three values that give a new password on screen."""

    matricule = forms.CharField(
        label="Matricule",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label="Donnée secrète de réassort",
        max_length=40,
        help_text="Les 6 premiers caractères du numéro de série de votre carte agent, "
        "ou les 6 premiers caractères de votre clé de sécurité.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    iban_tail = forms.CharField(
        label="Les 6 derniers caractères de votre IBAN",
        max_length=40,
        help_text="Par exemple « A012 01 » pour FR12 1234 5123 4501 2345 6A01 201 ; les espaces sont ignorés.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


class IdentityCheckForm(forms.Form):
    """Case 4, at the bureau: the president saw an identity document."""

    document = forms.ChoiceField(label="Pièce d'identité présentée", choices=IDENTITY_DOCUMENTS)
    confirmed = forms.BooleanField(
        label="J'ai vérifié que la pièce correspond à l'électeur (nom, prénom, date de naissance, photo).",
        error_messages={"required": "Confirmez la vérification d'identité avant de continuer."},
    )


class KeyRecoveryForm(forms.Form):
    """Case 2, at the support desk: who calls, and that identity was checked."""

    caller = forms.ChoiceField(label="Qui appelle ?", choices=KEY_CALLERS, widget=forms.RadioSelect)
    confirmed = forms.BooleanField(
        label="J'ai vérifié l'identité de l'électeur (matricule, date de naissance, affectation).",
        error_messages={"required": "Confirmez la vérification d'identité avant de continuer."},
    )


class VoteCodeForm(DsfrFormMixin, forms.Form):
    """Seed 004: the code de vote, typed (or pasted) before the voting space."""

    code = forms.CharField(
        label="Code de vote",
        max_length=40,
        help_text="Le code figurant sur le courrier reçu à domicile ou retiré au secrétariat, ou celui "
        "reçu par courriel (tirets et espaces ignorés).",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        error_messages={"required": "Saisissez votre code de vote."},
    )


class VoteCodeRequestForm(DsfrFormMixin, forms.Form):
    """« Je n'ai pas de code de vote »: the NUMEN or the first 10 digits of the NIR."""

    kind = forms.ChoiceField(
        label="Je m'identifie avec",
        choices=VOTE_CODE_IDENTIFIERS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le NUMEN ou le numéro de sécurité sociale."},
    )
    identifier = forms.CharField(
        label="NUMEN ou 10 premiers chiffres du numéro de sécurité sociale",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Saisissez votre NUMEN ou les 10 premiers chiffres de votre numéro de sécurité sociale."
        },
    )

    def clean(self):
        data = super().clean() or {}
        value = data.get("identifier", "")
        if data.get("kind") == "nir" and value:
            digits = "".join(c for c in value if not c.isspace())
            if not digits[:10].isdigit() or len(digits) < 10:
                self.add_error(
                    "identifier", "Saisissez les 10 premiers chiffres de votre numéro de sécurité sociale."
                )
        return data


# --- seed 004: identifier and mot de passe Élections --------------------------------------


def identifier_field() -> forms.EmailField:
    """« Identifiant »: the address the voter chose at their first connection (seed 004)."""
    return forms.EmailField(
        label="Identifiant",
        max_length=254,
        help_text="L'adresse électronique indiquée lors de votre première connexion.",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={
            "required": "Saisissez votre identifiant.",
            "invalid": "Votre identifiant est une adresse électronique, par exemple prenom.nom@exemple.fr.",
        },
    )


def new_email_field(label: str, *, help_text: str = "", required_message: str) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        help_text=help_text,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": required_message,
            "invalid": "Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.",
        },
    )


class IdentifierLoginForm(OptionalCaptchaMixin, forms.Form):
    """« Identifiant » (the address chosen at the first connection), captcha, mot de passe Élections:
    the guide's order (seed 004)."""

    field_order = ["identifier", "captcha", "password"]
    identifier = identifier_field()
    password = forms.CharField(
        label="Mot de passe Élections",
        max_length=128,
        strip=False,
        help_text="Celui que vous avez choisi lors de votre première connexion.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Saisissez votre mot de passe Élections."},
    )


class ElectionPasswordForm(DsfrFormMixin, forms.Form):
    """A new mot de passe Élections, typed twice, checked by Django's validators."""

    password1 = forms.CharField(
        label="Mot de passe Élections",
        max_length=128,
        strip=False,
        help_text="Au moins 12 caractères. Évitez les mots de passe courants, les suites de chiffres "
        "et votre nom. Une phrase de plusieurs mots est facile à retenir et difficile à deviner.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choisissez votre mot de passe Élections."},
    )
    password2 = forms.CharField(
        label="Confirmez le mot de passe Élections",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Saisissez une seconde fois votre mot de passe Élections."},
    )

    def __init__(self, *args, voter, **kwargs):
        self.voter = voter
        super().__init__(*args, **kwargs)

    def email_for_validation(self) -> str:
        return self.voter.email

    def clean(self):
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Les deux mots de passe saisis sont différents.")
        elif first:
            from .identifier import validate_election_password

            try:
                validate_election_password(first, voter=self.voter, email=self.email_for_validation())
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class CredentialsSetupForm(ElectionPasswordForm):
    """First connection (seed 004): the address that becomes the identifier, and the password."""

    email = new_email_field(
        "Adresse électronique",
        help_text="Elle sera votre identifiant de connexion. Un lien de confirmation y sera envoyé.",
        required_message="Saisissez votre adresse électronique.",
    )
    email2 = new_email_field(
        "Confirmez l'adresse électronique",
        required_message="Saisissez une seconde fois votre adresse électronique.",
    )
    field_order = ["email", "email2", "password1", "password2"]

    def email_for_validation(self) -> str:
        return self.cleaned_data.get("email") or self.voter.email

    def clean(self):
        data = super().clean()
        first, second = data.get("email"), data.get("email2")
        if first and second and first.lower() != second.lower():
            self.add_error("email2", "Les deux adresses saisies sont différentes.")
        return data


class PasswordLinkRequestForm(OptionalCaptchaMixin, forms.Form):
    """« Mot de passe oublié » (seed 004): the identifier to send the link to."""

    identifier = identifier_field()
