"""Run the background-job worker for the configured task backend: one command for either.

    python manage.py run_worker            # until stopped (SIGTERM or Ctrl-C: the running job finishes first)
    python manage.py run_worker --batch    # every queued job, then exit

The database backend (the default) runs django-tasks-db's db_worker; TASKS_BACKEND=rq runs django-rq's
rqworker with django-tasks-rq's job class, on any machine that reaches REDIS_URL and the database.
Run as many as you like: each job is taken by one of them. `make run` starts one beside the server.
"""
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from research.services.import_jobs import import_jobs_tidy


def uses_rq() -> bool:
    return "django_tasks_rq" in settings.TASKS.get("default", {}).get("BACKEND", "")


class Command(BaseCommand):
    help = "Run the background-job worker (large imports) for the configured task backend."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run every queued job, then exit.")
        parser.add_argument("--reload", action="store_true",
                            help="Restart on code changes (database backend; a restart stops a running job, which "
                                 "then fails and stores nothing). Off by default, also with debug on.")

    def handle(self, *args, batch: bool, reload: bool, verbosity: int, **options):
        # Jobs whose worker was lost (stopped mid-way: nothing was stored) are reported failed, and files and
        # reports past IMPORT_JOB_KEEP_HOURS deleted, before taking new work.
        import_jobs_tidy()
        queues = settings.TASKS["default"].get("QUEUES") or ["default"]
        if uses_rq():
            call_command("rqworker", *queues, job_class="django_tasks_rq.Job", burst=batch, verbosity=verbosity)
        else:
            call_command("db_worker", queue_name=",".join(queues), batch=batch, reload=reload, verbosity=verbosity)
