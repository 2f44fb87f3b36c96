from typing import cast

from django import forms

from voting_portal.forms import DsfrFormMixin

from .lifecycle import definition_editable_q, letters_printable_q
from .models import Election, Establishment, LetterBatch, VoterRequest


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


class VoterImportForm(forms.Form):
    """The file of voters and rolls an RH referent uploads (issue 6, item 1)."""

    election: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Élection",
        queryset=Election.objects.none(),
        empty_label=None,
        help_text="Seules les élections en préparation acceptent un import : les listes électorales sont "
        "figées au scellement.",
    )
    file = forms.FileField(
        label="Fichier CSV ou XLSX",
        help_text="Première ligne : les noms de colonnes décrits ci-dessous. CSV en UTF-8 ou Windows, séparateur "
        "« ; » ou « , ».",
        error_messages={"required": "Choisissez le fichier à importer.", "empty": "Ce fichier est vide."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["election"])
        field.queryset = Election.objects.filter(definition_editable_q())

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        limit = settings.VOTER_IMPORT_MAX_MEGABYTES
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(f"Le fichier dépasse {limit} Mo : découpez-le par établissement.")
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError("Le fichier doit être un CSV (.csv) ou un classeur Excel (.xlsx).")
        return upload


class VoterImportConfirmForm(forms.Form):
    removals_confirmed = forms.BooleanField(label="", required=False)


class VoterRequestAdminForm(forms.ModelForm):
    """The staff's side of a request: the allowed changes of status, and an answer when needed."""

    class Meta:
        model = VoterRequest
        fields = ["status", "answer"]

    def clean(self):
        from .services import voter_request_transition_error

        data = super().clean() or {}
        if self.instance.pk is not None and "status" in data:
            error = voter_request_transition_error(
                old_status=self.initial.get("status", VoterRequest.Status.NEW),
                new_status=data["status"],
                old_answer=self.initial.get("answer", ""),
                answer=data.get("answer", ""),
            )
            if error:
                raise forms.ValidationError(error)
        return data


class LetterBatchForm(forms.Form):
    """Which letters to print, for which establishment (issue 6, item 3)."""

    election: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Élection", queryset=Election.objects.none(), empty_label=None
    )
    establishment: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Établissement", queryset=Establishment.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label="Courrier", choices=LetterBatch.Kind.choices, widget=forms.RadioSelect)

    def __init__(self, *args, establishments, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["election"]).queryset = Election.objects.filter(
            letters_printable_q()
        )
        cast(forms.ModelChoiceField, self.fields["establishment"]).queryset = establishments
