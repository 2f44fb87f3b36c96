from django.core.cache import cache

from .models import Page

FOOTER_CACHE_KEY = "isoloir:footer-pages"
FOOTER_CACHE_SECONDS = 60


def footer_pages() -> list[dict[str, str]]:
    """The footer's public pages (slug, title), cached for a minute: every page shows
    them, and they change a few times a year (the Page admin forgets the cache)."""
    pages = cache.get(FOOTER_CACHE_KEY)
    if pages is None:
        pages = list(Page.objects.filter(kind__in=Page.PUBLIC_KINDS).values("slug", "title"))
        cache.set(FOOTER_CACHE_KEY, pages, FOOTER_CACHE_SECONDS)
    return pages


def footer_pages_forget() -> None:
    cache.delete(FOOTER_CACHE_KEY)


def portal(request):
    """The footer's public pages, and the election of the logged-in voter."""
    user = getattr(request, "user", None)
    election = None
    if user is not None and user.is_authenticated and user.is_voter:
        election = user.voter.election
    return {"footer_pages": footer_pages(), "portal_election": election}
