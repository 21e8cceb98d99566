"""Damaged and odd files never raise: every outcome is a result, and all-or-nothing holds."""
import random

from research.imports import ParsedOutcomes

from .helpers import csv_bytes, parse, xlsx_bytes

HEADERS = ["UPN", "Pupil ID", "Forename", "Group", "Score", "School", "PP", "SEN", "Year", "Measure", "Reading",
           "Maths", "", "Notes", "score", "DOB"]
VALUES = ["", "A1", "a 1", "I", "C", "x", "12,5", "45%", "-3", "1e400", "nan", "Y5", "R", "K", "Alpha Primary",
          "100002", "maths", '"q,"', '"', "\n", " ", "14", "TRUE"]


def _random_rows(rng: random.Random) -> list[list[str]]:
    width = rng.randint(1, 7)
    rows = [[rng.choice(HEADERS) for _ in range(width)]]
    rows += [[rng.choice(VALUES) for _ in range(rng.randint(0, width + 2))] for _ in range(rng.randint(0, 6))]
    return rows


def _assert_well_formed(result):
    assert isinstance(result, ParsedOutcomes)
    assert result.error_total >= len(result.errors)
    if result.error_total:
        assert result.records.empty and not result.ok
    else:
        assert result.records[["pupil_key", "school_id", "group", "measure_id", "score"]].notna().all().all()


def test_random_sheets_in_every_dialect_never_raise():
    # given 300 seeded random sheets (odd headers, quotes, stray newlines, every delimiter and encoding)
    rng = random.Random(20240611)
    for _ in range(300):
        rows = _random_rows(rng)
        delimiter = rng.choice([",", ";", "\t"])
        encoding = rng.choice(["utf-8", "utf-8-sig", "utf-16", "cp1252"])
        data = csv_bytes(rows, delimiter=delimiter).decode().encode(encoding, errors="replace")
        # when parsed / then the result is well formed
        _assert_well_formed(parse(data, default_school_id=rng.choice([None, 10])))


def test_corrupted_bytes_never_raise():
    # given valid CSV and XLSX files with random bytes overwritten, deleted or inserted
    rng = random.Random(7)
    bases = [csv_bytes([["UPN", "Group", "Score"], ["A1", "I", "5"], ["A2", "C", "6"]], delimiter=";"),
             xlsx_bytes({"S": [["UPN", "Group", "Score"], ["A1", "I", 5]]})]
    for attempt in range(200):
        damaged = bytearray(bases[attempt % 2])
        for _ in range(rng.randint(1, 6)):
            if not damaged:
                break
            at = rng.randrange(len(damaged))
            if rng.random() < 0.5:
                damaged[at] = rng.randrange(256)
            else:
                del damaged[at:at + rng.randint(1, 30)]
        _assert_well_formed(parse(bytes(damaged)))


def test_max_errors_zero_still_counts_and_refuses():
    result = parse(csv_bytes([["UPN", "Group", "Score"], ["A1", "I", "x"]]), max_errors=0)
    assert result.errors == [] and result.error_total == 1
    assert not result.ok and result.records.empty
