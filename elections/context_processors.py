from django.core.cache import cache

from .models import Page
from .pages import ACCESSIBILITY_STATUS

FOOTER_CACHE_KEY = "isoloir:footer-pages"
FOOTER_CACHE_SECONDS = 60


def footer_pages() -> list[dict[str, str]]:
    """The footer's public pages (slug, title), cached for a minute: every page shows
    them, and they change a few times a year (the Page admin forgets the cache)."""
    pages = cache.get(FOOTER_CACHE_KEY)
    if pages is None:
        pages = [
            {"slug": page["slug"], "title": footer_title(page["kind"], page["title"])}
            for page in Page.objects.filter(kind__in=Page.PUBLIC_KINDS).values("slug", "kind", "title")
        ]
        cache.set(FOOTER_CACHE_KEY, pages, FOOTER_CACHE_SECONDS)
    return pages


def footer_title(kind: str, title: str) -> str:
    """The footer's words for a page; the accessibility link states the conformity (RGAA)."""
    if kind == Page.Kind.ACCESSIBILITY:
        return f"Accessibilité : {ACCESSIBILITY_STATUS}"
    return title


def footer_pages_forget() -> None:
    cache.delete(FOOTER_CACHE_KEY)


def portal(request):
    """The footer's public pages, and the election of the logged-in voter."""
    user = getattr(request, "user", None)
    election = None
    if user is not None and user.is_authenticated and user.is_voter:
        election = user.voter.election
    return {"footer_pages": footer_pages(), "portal_election": election}
