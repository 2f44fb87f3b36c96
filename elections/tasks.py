"""Background jobs of the elections app (django-tasks; workers run ``manage.py db_worker``)."""

from django_tasks import task

from . import imports
from .models import VoterImport


@task()
def voter_import_analyse(import_id: str) -> str:
    job = VoterImport.objects.select_related("election", "created_by").get(pk=import_id)
    return imports.import_analyse(job).status


@task()
def voter_import_apply(import_id: str) -> str:
    job = VoterImport.objects.select_related("election", "created_by").get(pk=import_id)
    return imports.import_apply(job).status


@task()
def letters_generate(batch_id: str) -> str:
    from . import letters
    from .models import LetterBatch

    batch = LetterBatch.objects.select_related("election", "establishment", "created_by").get(pk=batch_id)
    return letters.letters_generate(batch).status
