from django import forms

REASON_REQUIRED = "Indiquez le motif : il est consigné au journal et au procès-verbal."
REASON_TOO_LONG = "Le motif tient en 1 000 caractères au plus."


class SealConfirmForm(forms.Form):
    """The seal the member was shown, sent back as it was shown (the service compares it)."""

    seal = forms.RegexField(
        regex=r"^[0-9a-f]{64}$",
        widget=forms.HiddenInput,
        error_messages={
            "required": "Le sceau affiché manque : rechargez la page.",
            "invalid": "Le sceau transmis est illisible : rechargez la page.",
        },
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Motif (consigné au journal et au procès-verbal)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        error_messages={"required": REASON_REQUIRED, "max_length": REASON_TOO_LONG},
    )
