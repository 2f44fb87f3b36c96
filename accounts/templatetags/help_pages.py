"""Links to the voters' help pages that carry the current page as their « Retour »."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def help_url(context, name: str, election=None) -> str:
    """The help page ``accounts:<name>`` of ``election`` (or of the voter's election when
    none), with ``?next=`` the page being rendered; the help page validates it again."""
    url = reverse(f"accounts:{name}", args=[election.slug] if election else [])
    request = context.get("request")
    if request is None:
        return url
    return f"{url}?{urlencode({'next': request.get_full_path()}, safe='/')}"
