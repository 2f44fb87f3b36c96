"""What the ballot page looks like: RETOUR shows its word on steps 2 and 3, and the list
cards form an even grid on a desktop, at 320 px wide and at 200 % zoom."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from elections.models import Scrutin

from .test_voting import ACTIVATE, keyboard_login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


# The text of an element, measured as drawn: its box, and whether it is clipped by the element.
TEXT_BOX = """element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const text = range.getBoundingClientRect();
    const box = element.getBoundingClientRect();
    return {
        text: text.width,
        box: box.width,
        inside: text.left >= box.left - 1 && text.right <= box.right + 1,
        clipped: element.scrollWidth > element.clientWidth,
        color: getComputedStyle(element).color,
        fontSize: parseFloat(getComputedStyle(element).fontSize),
    };
}"""


def assert_word_shown(locator) -> None:
    expect(locator).to_be_visible()
    assert locator.inner_text().strip() == "RETOUR"
    drawn = locator.evaluate(TEXT_BOX)
    # The word takes real room (6 capitals are far wider than an icon), fits in the
    # button and is not cut off.
    assert drawn["fontSize"] >= 12
    assert drawn["text"] >= 3 * drawn["fontSize"], drawn
    assert drawn["box"] >= drawn["text"] + 16, drawn
    assert drawn["inside"] and not drawn["clipped"], drawn


@pytest.mark.parametrize("width", [1280, 375])
def test_retour_shows_its_word_on_steps_2_and_3(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    keyboard_login(page)
    scrutin = Scrutin.objects.get(election__slug="demo-2026", code="ccp-contractuels")
    page.goto(f"/portail/je-vote/{scrutin.pk}/")
    assert_word_shown(page.get_by_role("link", name="RETOUR"))
    page.get_by_role("button", name=ACTIVATE).click()
    page.locator("label", has_text="Vote blanc").click()
    page.get_by_role("button", name="JE VEUX VOTER", exact=True).click()
    expect(page.get_by_text("VOUS AVEZ CHOISI DE VOTER BLANC")).to_be_visible()
    assert_word_shown(page.get_by_role("button", name="RETOUR"))


# The option cards as drawn: top, height, left and width of each.
CARDS = """() => Array.from(document.querySelectorAll(".isoloir-option")).map(card => {
    const box = card.getBoundingClientRect();
    return {top: Math.round(box.top), height: Math.round(box.height), left: Math.round(box.left), width: Math.round(box.width)};
})"""


@pytest.mark.parametrize(
    ("width", "scale", "columns"),
    [(1280, 1, 3), (640, 2, 2), (320, 1, 1)],  # 640 CSS px at scale 2: a 1280 px screen at 200 % zoom
)
def test_list_cards_form_an_even_grid_without_horizontal_scrolling(
    chromium, live_server, demo, width, scale, columns
):
    context = chromium.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": width, "height": 900},
        device_scale_factor=scale,
    )
    page = context.new_page()
    keyboard_login(page)
    scrutin = Scrutin.objects.get(election__slug="demo-2026", code="csa-ministeriel")
    page.goto(f"/portail/je-vote/{scrutin.pk}/")
    page.get_by_role("button", name=ACTIVATE).click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    cards = page.evaluate(CARDS)
    assert len(cards) == scrutin.lists.count() + 1
    rows: dict[int, list[dict]] = {}
    for card in cards:
        rows.setdefault(card["top"], []).append(card)
    # Reading order: rows of ``columns`` cards (the last may be shorter), each card of a
    # row as tall and as wide as the others, columns aligned from row to row.
    assert [len(row) for row in rows.values()][:-1] == [columns] * (len(rows) - 1)
    for row in rows.values():
        assert len({card["height"] for card in row}) == 1, row
        assert len({card["width"] for card in row}) == 1, row
    lefts = [card["left"] for card in next(iter(rows.values()))]
    for row in rows.values():
        assert [card["left"] for card in row] == lefts[: len(row)], rows
        assert all(card["left"] + card["width"] <= width for card in row)
    context.close()
