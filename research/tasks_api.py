"""The Tasks API, the one way application code reaches background work.

Django 6 has it built in (django.tasks); on Django 5.2 the django-tasks package is its backport, with
the same names. Everything else imports them from here, so moving to Django 6 is a settings change
(drop "django_tasks" from INSTALLED_APPS; TASKS, the database backend django-tasks-db and its
worker stay as they are) and this module then picks Django's own.
"""
try:  # Django 6.0+
    from django.tasks import TaskResultStatus, default_task_backend, task, task_backends
    from django.tasks.exceptions import TaskResultDoesNotExist
except ImportError:  # Django 5.2: the backport
    from django_tasks import TaskResultStatus, default_task_backend, task, task_backends
    from django_tasks.exceptions import TaskResultDoesNotExist

__all__ = ["TaskResultDoesNotExist", "TaskResultStatus", "default_task_backend", "task", "task_backends"]
