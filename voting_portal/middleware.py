"""Requests refused before any view sees them."""

from django.shortcuts import render

NUL = "\x00"


def request_has_nul(request) -> bool:
    """Whether the path, the query string or a form field (name or value) holds a NUL.

    No legitimate input holds one, PostgreSQL refuses it in text (``DataError``) and the
    filesystem in a name (``ValueError``): refusing it here means no view ever hands one
    to either.
    """
    if NUL in request.path_info:
        return True
    fields = [request.GET]
    if request.method == "POST":
        fields.append(request.POST)
    for query in fields:
        for name, values in query.lists():
            if NUL in name or any(NUL in value for value in values):
                return True
    return False


class RefuseNulMiddleware:
    """Answer 400 (the French page) to a request that carries a NUL character."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            reason = "Elle contient un caractère nul, qu'aucune saisie ne peut contenir."
            return render(request, "errors/400.html", {"reason": reason}, status=400)
        return self.get_response(request)
