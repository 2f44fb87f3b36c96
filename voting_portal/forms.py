from django import forms
from django.forms.renderers import TemplatesSetting


class DsfrFormRenderer(TemplatesSetting):
    """Render every form with the DSFR field templates in templates/forms/."""

    form_template_name = "forms/dsfr_form.html"
    field_template_name = "forms/dsfr_field.html"


class DsfrFormMixin:
    """Give each widget the DSFR class it needs (fr-input, fr-select)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            subwidgets = getattr(widget, "widgets", [widget])
            for sub in subwidgets:
                if sub.is_hidden:
                    continue
                kind = "fr-select" if getattr(sub, "input_type", "") == "select" else "fr-input"
                sub.attrs.setdefault("class", kind)
