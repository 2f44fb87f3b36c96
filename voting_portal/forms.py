from django import forms
from django.forms.renderers import TemplatesSetting


class DsfrFormRenderer(TemplatesSetting):
    """Render every form with the DSFR field templates in templates/forms/."""

    form_template_name = "forms/dsfr_form.html"
    field_template_name = "forms/dsfr_field.html"


class DsfrFormMixin:
    """Give each widget the DSFR class it needs (fr-input, fr-select).

    Radio buttons and check boxes get none: the field templates draw them as DSFR
    radio and checkbox groups (templates/forms/dsfr_radios.html).
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            subwidgets = getattr(widget, "widgets", [widget])
            for sub in subwidgets:
                input_type = getattr(sub, "input_type", "")
                if sub.is_hidden or input_type in ("radio", "checkbox"):
                    continue
                kind = "fr-select" if input_type == "select" else "fr-input"
                sub.attrs.setdefault("class", kind)
