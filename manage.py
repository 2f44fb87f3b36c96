#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    # Fail closed: production unless the caller names other settings (development
    # entry points pick voting_portal.settings.local or .test explicitly).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voting_portal.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
