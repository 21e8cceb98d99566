"""Import throughput: the whole API code path against a raw insert of the same prepared rows."""
import io
import statistics
import time
import tracemalloc

import numpy as np
import pandas as pd
from django.db import connection, transaction

ROWS = 100_000
REPEATS = 3


def make_file(project, rows: int = ROWS) -> bytes:
    rng = np.random.default_rng(1)
    urns = [m.school.urn for m in project.memberships.select_related("school")]
    frame = pd.DataFrame({
        "UPN": [f"B{i:012d}" for i in range(rows)],
        "First name": "Synthetic",
        "Group": np.where(rng.random(rows) < 0.5, "Intervention", "Comparison"),
        "School": [urns[i % len(urns)] for i in range(rows)],
        "Year": rng.integers(3, 7, rows),
        "PP": np.where(rng.random(rows) < 0.3, "Y", "N"),
        "Score": rng.integers(0, 101, rows),
    })
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def _clear(project) -> None:
    from research.models import OutcomeRecord, OutcomeUpload

    with transaction.atomic():
        OutcomeRecord.objects.filter(project=project).delete()
        OutcomeUpload.objects.filter(project=project).delete()


def _import(project, measure, lead, data: bytes):
    from research.services.outcomes import outcomes_import

    result = outcomes_import(actor=lead, project=project, stage_kind="theory", data=data, filename="bench.csv",
                             measure_id=measure.id, mode="replace")
    assert result.ok and result.upload.record_count == ROWS, result.errors[:3]
    return result


def _raw_insert(rows: list[tuple]) -> None:
    """The floor: the driver's own bulk path (executemany / COPY), nothing else."""
    from research.models import OutcomeRecord
    from research.services.record_insert import RECORD_COLUMNS

    table = connection.ops.quote_name(OutcomeRecord._meta.db_table)
    names = ", ".join(connection.ops.quote_name(n) for n in RECORD_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(RECORD_COLUMNS))})",
                               rows)


def run(project, measure, lead) -> list[str]:
    from research.models import OutcomeRecord, OutcomeUpload
    from research.services.record_insert import record_rows

    data = make_file(project)
    _clear(project)
    prepared = _import(project, measure, lead, data)  # warm-up; also gives the rows for the raw insert
    rows = record_rows(prepared.parsed.records, project_id=project.pk, stage_id=prepared.upload.stage_id,
                       upload_id=prepared.upload.pk)
    import_times, raw_times = [], []
    for _ in range(REPEATS):
        # The same starting state for both: an empty table holding only the upload row.
        OutcomeRecord.objects.filter(project=project).delete()
        started = time.perf_counter()
        _raw_insert(rows)
        raw_times.append(time.perf_counter() - started)
        _clear(project)
        started = time.perf_counter()
        _import(project, measure, lead, data)
        import_times.append(time.perf_counter() - started)
        prepared_upload = OutcomeUpload.objects.get(project=project)
        rows = [row[:3] + (prepared_upload.pk,) + row[4:] for row in rows]
    # Memory is measured in a separate, untimed run: tracing slows everything down.
    _clear(project)
    tracemalloc.start()
    _import(project, measure, lead, data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t_import, t_raw = statistics.median(import_times), statistics.median(raw_times)
    vendor = "COPY" if connection.vendor == "postgresql" else "executemany"
    return [
        f"import throughput ratio {t_raw / t_import:.2f} (target >= 0.5)",
        f"  import {ROWS / t_import:,.0f} rows/s (whole API path: parse, validate, pseudonymise, store); "
        f"raw {vendor} {ROWS / t_raw:,.0f} rows/s; {connection.vendor}, {ROWS:,} rows, median of {REPEATS}",
        f"  import peak memory {peak / len(data):.1f}x the file size ({peak / 1_048_576:.0f} MB traced for a "
        f"{len(data) / 1_048_576:.1f} MB file)",
    ]
