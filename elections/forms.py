from typing import cast

from django import forms

from voting_portal.forms import DsfrFormMixin

from .models import VoterRequest


class VoterRequestForm(DsfrFormMixin, forms.ModelForm):
    class Meta:
        model = VoterRequest
        fields = ["scrutin", "subject", "message"]
        labels = {"scrutin": "Scrutin concerné", "subject": "Objet", "message": "Votre message"}

    def __init__(self, *args, scrutins, require_scrutin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["scrutin"])
        field.queryset = scrutins
        field.required = require_scrutin
        field.empty_label = "— Choisir un scrutin —" if require_scrutin else "— Aucun en particulier —"
        self.fields["message"].widget.attrs["rows"] = 8


class RollSearchForm(DsfrFormMixin, forms.Form):
    q = forms.CharField(label="Rechercher un nom", max_length=100, required=False)
