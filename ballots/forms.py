import re

from django import forms

from voting_portal.forms import DsfrFormMixin

from .crypto import BLANK


class ChoiceForm(forms.Form):
    """Step 2 → 3: the option the voter selected (a list id or ``blank``)."""

    choix = forms.ChoiceField(
        label="Mon choix de vote",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Sélectionnez une liste ou le vote blanc pour continuer.",
            "invalid_choice": "Ce choix ne fait pas partie du bulletin de ce scrutin.",
        },
    )

    def __init__(self, *args, options: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choix"].choices = options  # type: ignore[attr-defined]


class CastForm(forms.Form):
    """JE VOTE: either an encrypted ballot (JSON) with its reference, or a choice the
    server encrypts (this version's web flow; the browser takes it over next)."""

    choix = forms.CharField(required=False, max_length=64)
    ballot = forms.CharField(required=False, max_length=200_000, strip=False)
    reference = forms.RegexField(
        required=False,
        regex=r"^[0-9a-f]{64}$",
        error_messages={"invalid": "La référence du bulletin doit comporter 64 caractères hexadécimaux."},
    )

    def clean(self):
        data = super().clean() or {}
        if self.errors:
            return data
        if data.get("ballot") and data.get("choix"):
            raise forms.ValidationError("Envoyez soit un bulletin chiffré, soit un choix, pas les deux.")
        if not data.get("ballot") and not data.get("choix"):
            raise forms.ValidationError(
                "Aucun choix de vote valide n'a été reçu : recommencez depuis le bulletin."
            )
        return data


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


__all__ = ["BLANK", "CastForm", "ChoiceForm", "ReferenceSearchForm"]
