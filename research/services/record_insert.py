"""Writing many outcome rows fast: executemany on SQLite, COPY on PostgreSQL.

The ORM's bulk_create builds a model instance per row; at 100k rows that costs more than the
whole parse. Rows here go straight from the validated frame to the driver.
"""
from collections.abc import Callable, Iterator

import pandas as pd
from django.db import connection

from ..models import OutcomeRecord

RECORD_COLUMNS = ("project_id", "stage_id", "measure_id", "upload_id", "pupil_key", "school_id", "group",
                  "score", "year_group", "disadvantaged", "send", "eal")
CHUNK = 20_000


def _as_python(series: pd.Series) -> list:
    """Values as plain Python objects, with None for missing (drivers do not know pd.NA)."""
    if series.dtype.kind in "iufb" and not series.hasnans:
        return series.tolist()
    return series.astype(object).where(series.notna(), None).tolist()


def record_rows(frame: pd.DataFrame, *, project_id: int, stage_id: int, upload_id: int) -> list[tuple]:
    n = len(frame)
    columns = [
        [project_id] * n, [stage_id] * n, _as_python(frame["measure_id"]), [upload_id] * n,
        _as_python(frame["pupil_key"]), _as_python(frame["school_id"]), _as_python(frame["group"]),
        _as_python(frame["score"]), _as_python(frame["year_group"]), _as_python(frame["disadvantaged"]),
        _as_python(frame["send"]), _as_python(frame["eal"]),
    ]
    return list(zip(*columns))


def _chunks(rows: list[tuple]) -> Iterator[list[tuple]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


def insert_rows(rows: list[tuple], progress: Callable[[int, int], None] | None = None) -> int:
    """Insert prepared rows (in RECORD_COLUMNS order) in the current transaction."""
    table = connection.ops.quote_name(OutcomeRecord._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name in RECORD_COLUMNS)
    done = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for chunk in _chunks(rows):
                    for row in chunk:
                        copy.write_row(row)
                    done += len(chunk)
                    if progress:
                        progress(done, len(rows))
        else:
            placeholders = ", ".join(["%s"] * len(RECORD_COLUMNS))
            sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
            for chunk in _chunks(rows):
                cursor.executemany(sql, chunk)
                done += len(chunk)
                if progress:
                    progress(done, len(rows))
    return done
