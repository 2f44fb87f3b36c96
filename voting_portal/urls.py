from django.contrib import admin
from django.urls import include, path, re_path

from accounts.views import captcha_audio

admin.site.site_header = "Isoloir — administration de l'élection"
admin.site.site_title = "Isoloir"
admin.site.index_title = "Gestion de l'élection"

handler400 = "voting_portal.errors.bad_request"
handler403 = "voting_portal.errors.permission_denied"
handler404 = "voting_portal.errors.page_not_found"
handler500 = "voting_portal.errors.server_error"

urlpatterns = [
    # The bureau de vote's pages, in the admin's look and behind its login (ballots/bureau/).
    path("gestion/bureau/", include("ballots.bureau.urls")),
    path("gestion/", admin.site.urls),
    # Before the library's own: the audio alternative in French (accounts/captcha_voice.py).
    re_path(r"^captcha/audio/(?P<key>\w+)\.wav$", captcha_audio, name="captcha-audio"),
    path("captcha/", include("captcha.urls")),
    path("", include("accounts.urls")),
    path("", include("elections.urls")),
    path("", include("ballots.urls")),
]
