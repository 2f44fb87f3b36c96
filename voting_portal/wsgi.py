import os

from django.core.wsgi import get_wsgi_application

# Fail closed: production unless the caller names other settings (development
# entry points pick voting_portal.settings.local or .test explicitly).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voting_portal.settings.production")
application = get_wsgi_application()
