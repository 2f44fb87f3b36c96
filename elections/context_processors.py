from .models import Page


def portal(request):
    """The footer's public pages, and the election of the logged-in voter."""
    user = getattr(request, "user", None)
    election = None
    if user is not None and user.is_authenticated and user.is_voter:
        election = user.voter.election
    return {
        "footer_pages": Page.objects.filter(kind__in=Page.PUBLIC_KINDS).only("slug", "title", "kind"),
        "portal_election": election,
    }
