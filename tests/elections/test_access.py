"""Who may see each page: anonymous, voter A, voter B, each staff group."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client

from elections.models import CandidateList, Page
from tests.factories import CandidateListFactory, ElectionFactory, StaffFactory, in_preparation, make_voter

pytestmark = pytest.mark.django_db

VOTER_PAGES = [
    "/portail/",
    "/portail/scrutins/",
    "/portail/compte/",
    "/portail/je-vote/",
    "/portail/assistance/",
    "/portail/reclamation/",
]


@pytest.mark.parametrize("url", VOTER_PAGES)
def test_anonymous_is_sent_to_login(client, election, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/?next=")


@pytest.mark.parametrize("url", VOTER_PAGES)
@pytest.mark.parametrize("group", ["Référent RH", "Support électeurs", "Membre du bureau de vote"])
def test_staff_are_not_voters(client, election, url, group):
    staff = StaffFactory(groups=[Group.objects.get(name=group)])
    client.force_login(staff)
    assert client.get(url).status_code == 302


def test_voter_sees_only_the_rolls_of_their_scrutins(voter_client, scrutins):
    assert voter_client.get(f"/portail/scrutins/{scrutins[0].pk}/liste-electorale/").status_code == 200
    assert voter_client.get(f"/portail/scrutins/{scrutins[2].pk}/liste-electorale/").status_code == 404


def test_voter_of_another_election_cannot_see_my_scrutins(client, scrutins):
    other = make_voter(election=ElectionFactory(), matricule="B1")
    client.force_login(other.user)
    assert client.get(f"/portail/scrutins/{scrutins[0].pk}/liste-electorale/").status_code == 404
    assert scrutins[0].name not in client.get("/portail/scrutins/").content.decode()


def test_roll_shows_names_and_affectation_only(voter_client, voter, scrutins):
    html = voter_client.get(f"/portail/scrutins/{scrutins[0].pk}/liste-electorale/").content.decode()
    assert "DURAND" in html and "Camille" in html and "Service des ressources humaines" in html
    assert voter.matricule not in html
    assert "17/05/1980" not in html


def test_roll_search_and_pagination(voter_client, voter, scrutins, election):
    for i in range(120):
        make_voter(election=election, matricule=f"R{i:03d}", last_name=f"Nom{i:03d}", scrutins=[scrutins[0]])
    url = f"/portail/scrutins/{scrutins[0].pk}/liste-electorale/"
    assert "121 électeurs" in voter_client.get(url).content.decode()
    assert "page 2 sur 2" in voter_client.get(url + "?page=2").content.decode()
    assert "1 électeur dont le nom contient" in voter_client.get(url + "?q=nom042").content.decode()
    assert voter_client.get(url + "?page=abc").status_code == 200


def test_list_documents_are_served_to_voters_of_the_scrutin_only(voter_client, scrutins, client):
    mine = CandidateListFactory(scrutin=scrutins[0])
    theirs = CandidateListFactory(scrutin=scrutins[2])
    with in_preparation(scrutins[0].election):  # the factory's election is already open
        mine.profession_de_foi.save("pdf.pdf", ContentFile(b"%PDF-1.4 test"))
        theirs.profession_de_foi.save("pdf.pdf", ContentFile(b"%PDF-1.4 test"))
    response = voter_client.get(f"/portail/listes/{mine.pk}/profession-de-foi/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert voter_client.get(f"/portail/listes/{theirs.pk}/profession-de-foi/").status_code == 404
    assert voter_client.get(f"/portail/listes/{mine.pk}/candidats/").status_code == 404  # none uploaded
    assert voter_client.get(f"/portail/listes/{mine.pk}/autre-chose/").status_code == 404


def test_list_documents_are_not_served_to_anonymous_visitors(scrutins):
    mine = CandidateListFactory(scrutin=scrutins[0])
    with in_preparation(scrutins[0].election):  # the factory's election is already open
        mine.profession_de_foi.save("pdf.pdf", ContentFile(b"%PDF-1.4 test"))
    response = Client().get(f"/portail/listes/{mine.pk}/profession-de-foi/")
    assert response.status_code == 302
    assert response.url.startswith("/?next=")
    assert b"%PDF" not in response.content


def test_public_pages_for_all_and_portal_pages_for_voters(client, voter_client, db):
    Page.objects.create(kind=Page.Kind.FAQ, slug="faq-test", title="FAQ", body="Question\n\nRéponse")
    assert Client().get("/pages/mentions-legales/").status_code == 200
    assert Client().get("/pages/faq-test/").status_code == 404
    html = voter_client.get("/pages/faq-test/").content.decode()
    assert "<p>Question</p>" in html and "<p>Réponse</p>" in html


def test_footer_links_every_public_page(client, election):
    html = client.get(f"/connexion/{election.slug}/").content.decode()
    for slug in (
        "mentions-legales",
        "accessibilite",
        "donnees-personnelles",
        "conformite-rgs",
        "gestion-des-cookies",
    ):
        assert f"/pages/{slug}/" in html
    assert "Accessibilité : partiellement conforme" in html


def test_voter_request_is_stored_for_staff(voter_client, voter, scrutins):
    response = voter_client.post(
        "/portail/reclamation/",
        {
            "scrutin": scrutins[0].pk,
            "subject": "Erreur d'affectation",
            "message": "Mon affectation est fausse.",
        },
    )
    assert response.status_code == 302
    request = voter.requests.get()
    assert request.kind == "reclamation" and request.status == "new"
    assert "Erreur d&#x27;affectation" in voter_client.get("/portail/").content.decode()


def test_reclamation_needs_one_of_my_scrutins(voter_client, scrutins):
    response = voter_client.post(
        "/portail/reclamation/", {"scrutin": scrutins[2].pk, "subject": "x", "message": "y"}
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert voter_client.post("/portail/reclamation/", {"subject": "", "message": ""}).status_code == 400


def test_assistance_request_without_scrutin(voter_client, voter):
    response = voter_client.post(
        "/portail/assistance/", {"subject": "Aide", "message": "Je n'arrive pas à voter."}
    )
    assert response.status_code == 302
    assert voter.requests.get().kind == "assistance"


def test_unknown_urls_are_french_404(client, db):
    response = client.get("/nexiste/pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_uploaded_documents_are_served_to_staff_only(voter_client, scrutins, admin_client):
    mine = CandidateListFactory(scrutin=scrutins[0])
    with in_preparation(scrutins[0].election):  # the factory's election is already open
        mine.profession_de_foi.save("pdf.pdf", ContentFile(b"%PDF-1.4 test"))
    url = mine.profession_de_foi.url
    assert url.startswith("/media/")
    assert admin_client.get(url).status_code == 200
    for visitor in (voter_client, Client()):  # a voter, then nobody logged in
        response = visitor.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/gestion/login/")
    assert admin_client.get("/media/../../etc/passwd").status_code == 404
    assert admin_client.get("/media/listes/nexiste-pas.pdf").status_code == 404


def test_a_renamed_file_is_not_accepted_as_pdf(admin_client, scrutins):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post(
        "/gestion/elections/candidatelist/add/",
        {
            "scrutin": scrutins[0].pk,
            "code": "liste-x",
            "name": "Liste X",
            "order": 1,
            "profession_de_foi": SimpleUploadedFile("pf.pdf", b"<html>pas un pdf</html>"),
            "candidates-TOTAL_FORMS": "0",
            "candidates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Ce fichier n&#x27;est pas un PDF valide." in response.content.decode()
    assert not CandidateList.objects.filter(code="liste-x").exists()
