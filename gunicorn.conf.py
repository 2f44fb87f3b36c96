"""gunicorn settings for Isoloir (production and bench/cast.py); command-line flags override them.

The application is loaded once in the master (preload) and its objects are frozen out
of the garbage collector before the workers fork: the collector then never walks
Django's long-lived objects again, and the forked workers share those pages.
"""

import gc
import os

# voting_portal.wsgi loads voting_portal.settings.production unless DJANGO_SETTINGS_MODULE
# names other settings; they refuse to start without their secrets.
wsgi_app = "voting_portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
preload_app = True
timeout = 30
accesslog = None  # no access log: a request line could sit next to a voter's address


def pre_fork(server, worker):
    gc.freeze()
