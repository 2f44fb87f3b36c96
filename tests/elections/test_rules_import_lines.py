"""What a line of a voter file may leave out, and the shortest secret values (tests/MUTATION.md).

Written against mutants of elections/imports.py's ``_line`` that survived ``make mutation``:
a file with only the required columns is applied with every optional value empty (no
e-mail, no scrutin, no secret, the agent card by default); a line shorter than the header
names each required cell it lacks; a card number or an IBAN of exactly six characters
and a NIR of exactly ten digits are accepted (only those serve), one character fewer is
refused; the NIR is read on its first ten digits only.
"""

import pytest

from accounts.models import Voter

from .test_import import admin, apply, csv_bytes, election, person, places, upload  # noqa: F401

pytestmark = pytest.mark.django_db

REQUIRED = ["Matricule", "Nom", "Prénom", "Date de naissance", "Établissement"]


def test_a_file_with_only_the_required_columns_is_applied_with_empty_optional_values(election, places, admin):  # noqa: F811
    job = upload(election, admin, csv_bytes([person(1), person(2)], header=REQUIRED))
    assert job.report["counts"]["errors"] == 0, job.report["errors"]
    assert apply(job, admin).status == "done"
    voter = Voter.objects.get(election=election, matricule="M00001")
    assert (voter.email, voter.postal_address, voter.affectation) == ("", "", "")
    assert voter.has_agent_card
    assert not voter.roll_entries.exists()
    assert (
        voter.card_serial_digest,
        voter.iban_tail_digest,
        voter.numen_digest,
        voter.nir_prefix_digest,
    ) == (
        "",
        "",
        "",
        "",
    )


def test_a_line_shorter_than_the_header_names_each_required_cell_it_lacks(election, places, admin):  # noqa: F811
    header = "Nom;Prénom;Date de naissance;Établissement;Matricule\n"
    job = upload(election, admin, (header + "Durand;Camille\nMartin;Léa;14/07/1985;EST1;M2\n").encode())
    assert job.report["counts"]["errors"] == 1
    assert job.report["errors"] == [
        {"line": 2, "message": "matricule manquant ; date de naissance manquante ; établissement manquant"}
    ]
    header = "Matricule;Date de naissance;Établissement;Nom;Prénom\n"
    job = upload(election, admin, (header + "M1;14/07/1985;EST1\n").encode())
    assert job.report["errors"] == [{"line": 2, "message": "nom manquant ; prénom manquant"}]


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("Numéro de carte", "AC7Q9Z", None),
        ("Numéro de carte", "AC7Q9", "numéro de carte trop court (6 caractères au moins)"),
        ("IBAN", "A01201", None),
        ("IBAN", "01201", "IBAN trop court (6 caractères au moins)"),
        ("NIR", "1850775123", None),
        ("NIR", "185077512", "NIR invalide (au moins 10 chiffres)"),
        ("NIR", "1850775123X", None),
    ],
)
def test_the_shortest_secret_values_that_serve_are_accepted(election, places, admin, column, value, problem):  # noqa: F811
    job = upload(election, admin, csv_bytes([person(1, **{column: value})], header=[*REQUIRED, column]))
    if problem is None:
        assert job.report["counts"]["errors"] == 0, job.report["errors"]
    else:
        assert job.report["errors"] == [{"line": 2, "message": problem}]


def test_the_postal_address_and_the_affectation_are_stored_and_the_preview_names_each_line(
    election,  # noqa: F811
    places,  # noqa: F811
    admin,  # noqa: F811
):
    header = [*REQUIRED, "Adresse postale", "Affectation"]
    rows = [
        person(1, **{"Adresse postale": "1 rue de la Paix\r\n33000 Bordeaux", "Affectation": "Service RH"}),
        person(2),
    ]
    job = upload(election, admin, csv_bytes(rows, header=header))
    assert [(p["line"], p["matricule"]) for p in job.report["added"]] == [(2, "M00001"), (3, "M00002")]
    assert apply(job, admin).status == "done"
    voter = Voter.objects.get(election=election, matricule="M00001")
    assert (voter.postal_address, voter.affectation) == ("1 rue de la Paix\n33000 Bordeaux", "Service RH")
