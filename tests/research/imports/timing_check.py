"""Manual timing check (not collected by pytest, no time assertions): parse generated 100k-row
long-format CSVs through parse_outcome_file and print wall and CPU time.

    cd /work/main && .venv/bin/python -m tests.research.imports.timing_check [rows]

Scenario "mis-export": 50k pupils x 2 measures, 12 columns (names and DOB among them, dropped).
Scenario "minimal": 100k distinct pupils, one measure, only the columns the import needs (the
worst case for the per-pupil HMAC).
"""
from __future__ import annotations

import sys
import time

import numpy as np

from research.imports import MeasureSpec, SchoolSpec, parse_outcome_file

MEASURES = [MeasureSpec(1, "Reading", 0, 100), MeasureSpec(2, "Maths", 0, 60)]
SCHOOLS = [SchoolSpec(10 + i, f"School {i}", f"1000{i:02d}") for i in range(8)]


def make_csv(rows: int) -> bytes:
    """The "mis-export" scenario: long format, two measures per pupil, the columns a MIS export carries."""
    rng = np.random.default_rng(7)
    pupils = rows // 2
    lines = ["UPN,Forename,Surname,DOB,School,Group,Year,PP,SEN,EAL,Measure,Score"]
    for i in range(rows):
        pupil = i % pupils
        measure = "Reading" if i < pupils else "Maths"
        lines.append(
            f"T{pupil:012d},Name{pupil},Family{pupil},2015-01-01,School {pupil % 8},{'IC'[pupil % 2]},"
            f"Y{pupil % 7},{'YN'[pupil % 3 == 0]},{'KN'[pupil % 5 == 0]},{'YN'[pupil % 4 == 0]},"
            f"{measure},{rng.integers(0, 60)}"
        )
    return ("\n".join(lines) + "\n").encode()


def make_minimal_csv(rows: int) -> bytes:
    rng = np.random.default_rng(8)
    lines = ["UPN,School,Group,Score"]
    lines += [f"M{i:012d},{100000 + i % 8},{'IC'[i % 2]},{rng.integers(0, 100)}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def time_parse(label: str, data: bytes, rows: int, default_measure_id: int | None) -> None:
    for attempt in range(3):
        start, cpu_start = time.perf_counter(), time.process_time()
        result = parse_outcome_file(data=data, filename="bench.csv", measures=MEASURES,
                                    default_measure_id=default_measure_id, schools=SCHOOLS, default_school_id=None,
                                    secret=b"timing-secret", alliance_key="alliance-1", max_rows=rows)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        assert result.ok, result.errors[:3]
        print(f"{label} run {attempt + 1}: {rows:,} rows ({len(data) / 1e6:.1f} MB) in {elapsed:.3f} s wall, "
              f"{cpu:.3f} s CPU = {rows / elapsed:,.0f} rows/s; {len(result.records):,} records")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    time_parse("mis-export", make_csv(rows), rows, None)
    time_parse("minimal", make_minimal_csv(rows), rows, 1)


if __name__ == "__main__":
    main()
