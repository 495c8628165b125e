"""Background tasks: immediate in tests, queued in the database for the worker otherwise."""

import pytest
from django.core.management import call_command

from petal.core.tasks import email_enqueue

pytestmark = pytest.mark.django_db


def test_tests_run_tasks_immediately(mailoutbox):
    result = email_enqueue(to=["a@example.org"], subject="Hello", body="A reference, no details")
    assert result.status == "SUCCESSFUL"
    assert [m.subject for m in mailoutbox] == ["Hello"]


@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_and_db_worker_runs_the_task(settings, mailoutbox):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = email_enqueue(to=["b@example.org"], subject="Queued", body="Sign in to see it")
    assert result.status == "READY"
    assert mailoutbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [m.subject for m in mailoutbox] == ["Queued"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
