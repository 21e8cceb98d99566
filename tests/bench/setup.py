"""A throwaway database for benchmarks: never the developer's, never the test suite's."""
import os
import tempfile

import django


def start_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # A throwaway local database with the development keys: debug on, as `make bench` sets it
    # (settings keep it off unless told).
    os.environ.setdefault("DJANGO_DEBUG", "1")
    # As deployed (README: production keeps connections open): otherwise every PostgreSQL request
    # would pay a new connection, which is not what a served request costs. SQLite is unaffected.
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        # A real file, as in production use of SQLite (in-memory would flatter the insert).
        connection.settings_dict.setdefault("TEST", {})["NAME"] = os.path.join(
            tempfile.mkdtemp(prefix="bench-"), "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    return connection, old_name


def stop_django(connection, old_name) -> None:
    connection.creation.destroy_test_db(old_name, verbosity=0)


def bench_project(schools: int = 4):
    """One alliance with a theory-stage project, `schools` member schools and one 0-100 measure."""
    from research import lifecycle
    from research.models import Measure
    from research.services.projects import project_propose
    from tests.factories import AllianceFactory, SchoolFactory, UserFactory, member_of
    from research.models.choices import Role

    alliance = AllianceFactory()
    measure = Measure.objects.create(alliance=alliance, name="Reading test", kind="attainment", scale_min=0,
                                     scale_max=100)
    lead = member_of(alliance, UserFactory(), SchoolFactory(), Role.LEAD)
    project = project_propose(actor=lead, alliance=alliance, title="Bench", research_question="Bench?",
                              subject="reading", phase="ks2", academic_year="2025/26", measures=[measure])
    for _ in range(schools - 1):
        user = member_of(alliance, UserFactory(), SchoolFactory())
        project.memberships.create(user=user, school=user.memberships.get().school)
    lifecycle.project_transition(project_id=project.pk, action="accept", actor=lead)
    project.refresh_from_db()
    return project, measure, lead
