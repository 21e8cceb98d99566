"""Two `replace` imports of one stage and measure at the same moment end with one file's rows, never a mix.

PostgreSQL only: SQLite has a single writer, so it cannot interleave two imports in the first place.
"""
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from research.models import OutcomeRecord, OutcomeUpload

from ..api.test_outcomes_support import csv_bytes, expected_keys, long_rows, post_file, project_urns, pupils
from ..world import build_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="needs PostgreSQL: concurrent writers with row locks (SQLite has one writer)"),
]

ROUNDS = 5


def race(project, measure, uploads: dict) -> dict:
    """POST every {name: (user, data)} at once, each from its own thread with its own connection."""
    barrier = threading.Barrier(len(uploads))
    results = {}

    def post(name, user, data):
        try:
            client = APIClient()
            client.force_authenticate(user)
            barrier.wait(timeout=60)
            results[name] = post_file(client, project, data, name=f"{name}.csv", measure=measure, mode="replace")
        except BaseException as error:  # reported by the main thread
            results[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(name, user, data)) for name, (user, data) in uploads.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "an import never finished (deadlock?)"
    return results


def test_concurrent_replaces_never_mix(transactional_db):
    # given a theory-stage project, and two files for its baseline that overlap in 1,500 pupils
    world = build_world()
    project = world.projects["theory"]
    urns = project_urns(project)
    files = {
        "a": (world.user("member"), pupils(3000)),
        "b": (world.user("project_lead"), pupils(2000, start=1500)),
    }
    data = {name: (user, csv_bytes(long_rows(ids, urns))) for name, (user, ids) in files.items()}
    keys = {name: expected_keys(project, ids) for name, (_, ids) in files.items()}
    winners = []
    for round_number in range(ROUNDS):
        # when both are uploaded with mode=replace at the same moment
        results = race(project, world.measure, data)
        # then both imports succeed,
        for name, response in results.items():
            assert not isinstance(response, BaseException), f"round {round_number}, {name}: {response!r}"
            assert response.status_code == 201, (round_number, name, response.json())
        # the stage holds exactly one file's rows, all of them, and nothing of the other
        stored = list(OutcomeRecord.objects.filter(project=project, stage__kind="theory", measure=world.measure)
                      .values_list("pupil_key", flat=True))
        winner = next((name for name in keys if set(stored) == keys[name]), None)
        assert winner is not None, f"round {round_number}: a mix of both files ({len(stored)} rows)"
        assert len(stored) == len(files[winner][1])
        # and the audit says the later import replaced the whole of the earlier one
        ids = {name: results[name].json()["upload"]["id"] for name in results}
        loser = "b" if winner == "a" else "a"
        won, lost = OutcomeUpload.objects.get(pk=ids[winner]), OutcomeUpload.objects.get(pk=ids[loser])
        assert (won.status, won.record_count) == ("imported", len(files[winner][1]))
        assert (lost.status, lost.record_count) == ("replaced", 0)
        assert won.pk > lost.pk and won.replaced_count == len(files[loser][1])
        assert set(OutcomeRecord.objects.values_list("upload_id", flat=True)) == {won.pk}
        winners.append(winner)
    assert len(winners) == ROUNDS
