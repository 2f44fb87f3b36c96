"""The shared DSFR form rendering (voting_portal.forms, templates/forms/): every choice
field drawn as radio buttons is a DSFR radio group (fieldset, legend, fr-radio-group), on
every form that has one, whether it is rendered with ``{{ form }}`` or ``as_div``."""

import re
from html import unescape

from django import forms

from accounts.forms import KeyRecoveryForm, VoteCodeRequestForm
from voting_portal.forms import DsfrFormMixin


def _radio_inputs(html: str) -> list[str]:
    return re.findall(r"<input[^>]*type=\"radio\"[^>]*>", html)


def assert_dsfr_radios(html: str, name: str, legend: str, labels: list[str]) -> None:
    fieldset = re.search(r"<fieldset[^>]*class=\"fr-fieldset[^\"]*\"[^>]*>(.*?)</fieldset>", html, re.S)
    assert fieldset, html
    inner = unescape(fieldset.group(1))
    assert re.search(r"<legend[^>]*class=\"fr-fieldset__legend[^\"]*\"[^>]*>\s*" + re.escape(legend), inner)
    groups = re.findall(
        r"<div class=\"fr-radio-group\">\s*(<input[^>]*>)\s*<label class=\"fr-label\" for=\"([^\"]+)\">\s*(.*?)\s*</label>",
        inner,
        re.S,
    )
    assert [label for _, _, label in groups] == labels
    for tag, for_id, _ in groups:
        assert f'name="{name}"' in tag
        assert f'id="{for_id}"' in tag
        assert "fr-input" not in tag, tag  # a radio is not a text input
    # No radio of the field outside the group, no label tag pointing at the fieldset.
    assert len(_radio_inputs(html)) == len(labels)


def test_vote_code_request_radios_are_a_dsfr_radio_group():
    html = str(VoteCodeRequestForm())
    assert_dsfr_radios(
        html,
        "kind",
        "Je m'identifie avec",
        ["Mon NUMEN", "Les 10 premiers chiffres de mon numéro de sécurité sociale"],
    )
    # The text field that follows keeps its own DSFR input group.
    assert re.search(
        r'<input[^>]*class="fr-input"[^>]*name="identifier"|<input[^>]*name="identifier"[^>]*class="fr-input"',
        html,
    )


def test_radio_group_error_is_announced_with_the_fieldset():
    form = VoteCodeRequestForm(data={"identifier": "1234567890"})
    html = str(form)
    fieldset = re.search(r"<fieldset([^>]*)>", html).group(1)
    assert "fr-fieldset--error" in fieldset
    described = re.search(r'aria-labelledby="([^"]+)"', fieldset).group(1).split()
    messages = re.search(
        r'<div class="fr-messages-group" id="([^"]+)"[^>]*>\s*<p class="fr-message fr-message--error"[^>]*>([^<]*)</p>',
        html,
    )
    assert messages.group(2) == "Choisissez le NUMEN ou le numéro de sécurité sociale."
    assert messages.group(1) in described


def test_checked_choice_stays_checked_after_an_error():
    html = str(VoteCodeRequestForm(data={"kind": "nir", "identifier": ""}))
    checked = [tag for tag in _radio_inputs(html) if "checked" in tag]
    assert len(checked) == 1 and 'value="nir"' in checked[0]


def test_staff_forms_rendered_as_div_get_the_same_radio_group():
    html = KeyRecoveryForm().as_div()
    legend = KeyRecoveryForm.base_fields["caller"].label
    labels = [str(label) for _, label in KeyRecoveryForm.base_fields["caller"].choices]
    assert_dsfr_radios(html, "caller", legend, labels)


def test_check_box_is_a_dsfr_checkbox_group_label_after_the_box():
    html = KeyRecoveryForm().as_div()
    group = re.search(
        r'<div class="fr-checkbox-group">\s*(<input[^>]*>)\s*<label class="fr-label" for="id_confirmed">',
        html,
    )
    assert group and 'type="checkbox"' in group.group(1)


def test_any_dsfr_form_with_radios_renders_them_as_radios():
    class AnyForm(DsfrFormMixin, forms.Form):
        colour = forms.ChoiceField(
            label="Couleur",
            choices=[("b", "Bleu"), ("r", "Rouge")],
            widget=forms.RadioSelect,
            help_text="Une seule.",
        )

    html = str(AnyForm())
    assert_dsfr_radios(html, "colour", "Couleur", ["Bleu", "Rouge"])
    assert re.search(r"<legend[^>]*>\s*Couleur\s*<span class=\"fr-hint-text\"[^>]*>Une seule.</span>", html)
