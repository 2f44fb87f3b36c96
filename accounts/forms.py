import datetime as dt

from captcha.fields import CaptchaField
from django import forms
from django.utils import timezone

from voting_portal.forms import DsfrFormMixin

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


class VoterLoginForm(DsfrFormMixin, forms.Form):
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

    def __init__(self, *args, captcha: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if captcha:
            self.fields["captcha"] = CaptchaField(
                label="Recopiez les caractères de l'image",
                error_messages={"invalid": "Les caractères recopiés ne correspondent pas à l'image."},
            )
            self.style_widgets()

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
