"""Background jobs of the ballots app (django-tasks; workers run ``manage.py db_worker``)."""

from django_tasks import task

from elections.models import Election


@task()
def lifecycle_due(election_id: str) -> list[str]:
    """Queued at the sealing for the opening, the closing and the freeze times; takes what is
    due then (``lifecycle_step``), so a job run late, twice or on two workers is harmless."""
    from .lifecycle import lifecycle_step

    election = Election.objects.filter(pk=election_id).first()
    if election is None:
        return []
    return lifecycle_step(election)


@task()
def integrity_check_run(check_id: str) -> bool | None:
    from .integrity import integrity_check_perform
    from .models import IntegrityCheck

    check = IntegrityCheck.objects.select_related("election").get(pk=check_id)
    return integrity_check_perform(check).ok
