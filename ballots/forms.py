import re

from django import forms

from voting_portal.forms import DsfrFormMixin


class CastForm(forms.Form):
    """JE VOTE: the ballot encrypted in the browser (canonical JSON) and the reference
    the browser computed. No choice is ever posted."""

    ballot = forms.CharField(
        max_length=200_000,
        strip=False,
        error_messages={
            "required": "Aucun bulletin chiffré n'a été reçu : recommencez depuis le bulletin.",
            "max_length": "Le bulletin reçu est trop long.",
        },
    )
    reference = forms.RegexField(
        regex=r"^[0-9a-f]{64}$",
        error_messages={
            "required": "La référence calculée par votre navigateur n'a pas été reçue : recommencez depuis le bulletin.",
            "invalid": "La référence du bulletin doit comporter 64 caractères hexadécimaux.",
        },
    )


class ReferenceSearchForm(DsfrFormMixin, forms.Form):
    reference = forms.CharField(
        label="Référence de mon bulletin",
        help_text="Les 64 caractères de la référence, ou au moins ses 8 premiers (espaces ignorés).",
        max_length=200,
        error_messages={"required": "Saisissez la référence de votre bulletin."},
    )

    def clean_reference(self) -> str:
        value = "".join(self.cleaned_data["reference"].split()).lower()
        if not re.fullmatch(r"[0-9a-f]*", value):
            raise forms.ValidationError("Une référence ne contient que des chiffres et les lettres a à f.")
        if len(value) < 8:
            raise forms.ValidationError("Saisissez au moins les 8 premiers caractères de la référence.")
        if len(value) > 64:
            raise forms.ValidationError("Une référence comporte 64 caractères.")
        return value


__all__ = ["CastForm", "ReferenceSearchForm"]
