"""Manual timing check (not collected by pytest): parse a generated 100k-row long-format CSV.

    cd /work/main && .venv/bin/python -m tests.research.imports.timing_check [rows]
"""
from __future__ import annotations

import sys
import time

import numpy as np

from research.imports import MeasureSpec, SchoolSpec, parse_outcome_file

MEASURES = [MeasureSpec(1, "Reading", 0, 100), MeasureSpec(2, "Maths", 0, 60)]
SCHOOLS = [SchoolSpec(10 + i, f"School {i}", f"1000{i:02d}") for i in range(8)]


def make_csv(rows: int) -> bytes:
    """Long format, two measures per pupil, the columns a MIS export usually carries."""
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


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    data = make_csv(rows)
    for attempt in range(3):
        start, cpu_start = time.perf_counter(), time.process_time()
        result = parse_outcome_file(data=data, filename="bench.csv", measures=MEASURES, default_measure_id=None,
                                    schools=SCHOOLS, default_school_id=None, secret=b"timing-secret",
                                    alliance_key="alliance-1", max_rows=rows)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        assert result.ok, result.errors[:3]
        print(f"run {attempt + 1}: {rows:,} rows ({len(data) / 1e6:.1f} MB) in {elapsed:.3f} s wall, {cpu:.3f} s CPU "
              f"= {rows / elapsed:,.0f} rows/s; {len(result.records):,} records")


if __name__ == "__main__":
    main()
