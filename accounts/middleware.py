import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

ACTIVITY_RESOLUTION = 60  # seconds


class IdleTimeoutMiddleware:
    """Log out a session left idle longer than SESSION_IDLE_TIMEOUT seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_activity")
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request,
                    "Votre session a expiré après une période d'inactivité. Veuillez vous reconnecter.",
                )
            elif last is None or now - last >= ACTIVITY_RESOLUTION:
                # At most one session write a minute, not one per request.
                request.session["last_activity"] = now
        return self.get_response(request)
