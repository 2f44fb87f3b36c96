"""The footer's public pages."""

from django.db import migrations

from elections.pages import PAGES, public_pages_sync


def create_pages(apps, schema_editor):
    public_pages_sync(apps)


def remove_pages(apps, schema_editor):
    apps.get_model("elections", "Page").objects.filter(slug__in=[p[1] for p in PAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("elections", "0001_initial")]

    operations = [migrations.RunPython(create_pages, remove_pages)]
