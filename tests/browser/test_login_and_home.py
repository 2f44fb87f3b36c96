"""A demo voter logs in by the labels of the seed, in a real Chromium; axe finds nothing."""

import pytest
from django.core.management import call_command

from elections.management.commands import load_demo

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

MATRICULE = "D0001"


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def fill_login(page, *, password=None):
    key = load_demo.account_services.secrets.format_security_key(load_demo.voter_security_key(MATRICULE))
    page.get_by_label("Matricule").fill(MATRICULE)
    page.get_by_label("Date de naissance").fill("14/03/1978")
    page.get_by_label("Clé de sécurité").fill(key)
    page.get_by_label("Mot de passe").fill(password or load_demo.voter_password(MATRICULE))


def test_demo_voter_logs_in_by_the_labels_and_reaches_home(page, demo):
    page.goto("/")  # the entry page lists the demo's two elections (the second is in preparation)
    page.get_by_role("link", name=load_demo.DEMO_ELECTION_NAME).click()
    page.wait_for_url("**/connexion/demo-2026/")
    fill_login(page)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/")
    assert page.get_by_role("heading", name="Bienvenue sur votre portail Élections").is_visible()
    assert page.get_by_text("Fermeture du vote dans").first.is_visible()
    assert page.get_by_role("button", name="Déconnexion").is_visible()
    assert page.csp_violations == []


def test_login_page_has_no_wcag_violation(page, demo):
    page.goto("/connexion/demo-2026/")
    assert axe_violations(page) == []


def test_login_error_state_has_no_wcag_violation(page, demo):
    page.goto("/connexion/demo-2026/")
    fill_login(page, password="pas-le-bon")
    page.get_by_label("Date de naissance").fill("31/02/1978")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_text("Saisissez la date de naissance au format JJ/MM/AAAA.").is_visible()
    assert axe_violations(page) == []


def test_home_page_has_no_wcag_violation(page, demo):
    page.goto("/connexion/demo-2026/")
    fill_login(page)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/")
    assert axe_violations(page) == []
    page.goto("/portail/scrutins/")
    assert axe_violations(page) == []
    assert page.csp_violations == []


def test_login_works_with_the_keyboard_alone(page, demo):
    page.goto("/connexion/demo-2026/")
    page.get_by_label("Matricule").focus()
    key = load_demo.account_services.secrets.format_security_key(load_demo.voter_security_key(MATRICULE))
    for value in (MATRICULE, "14/03/1978", key, load_demo.voter_password(MATRICULE)):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    # Tab has left the password field; the next focusable element is the button.
    assert page.evaluate("document.activeElement.textContent.trim()") == "Se connecter"
    page.keyboard.press("Enter")
    page.wait_for_url("**/portail/")


def test_login_page_works_without_javascript(chromium, live_server, demo):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/connexion/demo-2026/")
    fill_login(page)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/")
    context.close()


def test_countdown_is_refreshed_by_javascript(page, demo):
    import datetime as dt

    from django.utils import timezone

    from elections.models import Election

    start = timezone.now()
    page.clock.install(time=start)
    page.goto("/connexion/demo-2026/")
    fill_login(page)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/")
    page.clock.fast_forward(3 * 3600 * 1000 + 5 * 60 * 1000)  # 3 h 05 later, in the browser
    closes = Election.objects.get(slug="demo-2026").closes
    left = int((closes - (start + dt.timedelta(hours=3, minutes=5))).total_seconds() // 60)
    # The browser clock moved a few ms since install; allow one minute of rounding.
    shown = page.evaluate(
        "['days','hours','minutes'].map(n => +document.querySelector(`[data-countdown=\"${n}\"]`).textContent)"
    )
    shown_minutes = shown[0] * 1440 + shown[1] * 60 + shown[2]
    assert left - 1 <= shown_minutes <= left


@pytest.mark.parametrize(
    "path",
    [
        "/portail/compte/",
        "/portail/je-vote/",
        "/portail/assistance/",
        "/portail/reclamation/",
        "/pages/faq/",
        "/pages/accessibilite/",
        "/aide/cle-de-securite-perdue/",
        "/aide/mot-de-passe-perdu/",
    ],
)
def test_other_portal_pages_have_no_wcag_violation(page, demo, path):
    page.goto("/connexion/demo-2026/")
    fill_login(page)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/")
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_roll_page_has_no_wcag_violation(page, demo):
    from elections.models import Scrutin

    scrutin = Scrutin.objects.get(election__slug="demo-2026", code="csa-ministeriel")
    page.goto("/connexion/demo-2026/")
    fill_login(page)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/")
    page.goto(f"/portail/scrutins/{scrutin.pk}/liste-electorale/")
    assert page.get_by_role("table").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [375, 1280])
def test_deconnexion_is_visible_and_works_on_phone_and_desktop(page, demo, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/connexion/demo-2026/")
    fill_login(page)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/")
    visible = [b for b in page.get_by_role("button", name="Déconnexion").all() if b.is_visible()]
    assert len(visible) == 1
    visible[0].click()
    page.wait_for_url("**/connexion/demo-2026/")
    assert page.get_by_text("Vous êtes déconnecté").is_visible()


def test_login_fields_have_exactly_the_seed_labels(page, demo):
    page.goto("/connexion/demo-2026/")
    for label in ("Matricule", "Date de naissance", "Clé de sécurité", "Mot de passe"):
        field = page.get_by_label(label, exact=True)
        assert field.count() == 1
        assert field.evaluate("el => el.labels[0].textContent.trim()") == label


def test_the_login_page_links_are_drawn_without_list_bullets(page, demo):
    """DSFR 1.x leaves fr-links-group unstyled: a bullet showed before each link."""
    page.goto("/connexion/demo-2026/")
    links = page.get_by_role("link", name="J'ai perdu mon mot de passe")
    assert links.is_visible()
    markers = page.eval_on_selector_all(
        "ul.fr-links-group", "lists => lists.map(l => getComputedStyle(l.querySelector('li')).listStyleType)"
    )
    assert markers and set(markers) == {"none"}
