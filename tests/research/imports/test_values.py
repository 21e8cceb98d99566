"""The cell parsers on their own: every accepted spelling, and what is refused."""
import numpy as np
import pytest

from research.imports.values import (INVALID, parse_group, parse_number, parse_send, parse_year, parse_yes_no,
                                     strip_cells)
import pandas as pd


@pytest.mark.parametrize("text, expected", [
    ("Intervention", "intervention"), ("I", "intervention"), ("treatment", "intervention"), ("t", "intervention"),
    (" INTERVENTION ", "intervention"), ("Comparison", "comparison"), ("control", "comparison"), ("C", "comparison"),
    ("", None),
])
def test_group_spellings(text, expected):
    assert parse_group(text) == expected


@pytest.mark.parametrize("text", ["Both", "X", "interventions", "1"])
def test_unknown_group_is_invalid(text):
    assert parse_group(text) is INVALID


@pytest.mark.parametrize("text, expected", [
    ("Y", True), ("yes", True), ("TRUE", True), ("1", True), ("N", False), ("no", False), ("False", False),
    ("0", False), ("", None), ("n/a", None), ("Unknown", None),
])
def test_yes_no_spellings(text, expected):
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize("text, expected", [
    ("K", True), ("E", True), ("Y", True), ("yes", True), ("true", True), ("1", True), ("EHCP", True),
    ("SEN Support", True), ("N", False), ("no", False), ("0", False), ("", None),
])
def test_send_spellings(text, expected):
    assert parse_send(text) is expected


def test_unknown_flags_are_invalid():
    assert parse_yes_no("maybe") is INVALID
    assert parse_send("Q") is INVALID


@pytest.mark.parametrize("text, expected", [
    ("5", 5), ("Y5", 5), ("y 5", 5), ("Year 5", 5), ("Yr5", 5), ("NC Year 11", 11), ("Year-6", 6), ("13", 13),
    ("0", 0), ("R", 0), ("Reception", 0), ("YR", 0), ("5.0", 5), ("", None),
])
def test_year_spellings(text, expected):
    assert parse_year(text) == expected


@pytest.mark.parametrize("text", ["14", "Year 14", "-1", "Nursery", "five", "Y5b"])
def test_years_outside_0_to_13_are_invalid(text):
    assert parse_year(text) is INVALID


@pytest.mark.parametrize("text, expected", [
    ("12", 12.0), ("12.5", 12.5), ("12,5", 12.5), ("45%", 45.0), (" 45 % ", 45.0), ("-3", -3.0), (".5", 0.5),
    ("1e2", 100.0),
])
def test_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "1,000.5", "1_000", "12..5", "5 5", ""])
def test_non_numbers(text):
    assert parse_number(text) is None


def test_strip_cells_returns_stripped_objects():
    # given padded cells / when stripped / then same order, whitespace gone, '' kept
    out = strip_cells(pd.Series([" a ", "b", "", " a ", "\tc\n"], dtype=str))
    assert isinstance(out, np.ndarray) and list(out) == ["a", "b", "", "a", "c"]


def test_thousands_comma_is_refused_not_guessed():
    # given "1,000" (a thousand, or one with a decimal comma?) and "12,5" (clearly 12.5)
    from research.imports.values import parse_number

    # then the ambiguous one is not a number, the clear one is read
    assert parse_number("1,000") is None
    assert parse_number("-12,345,678") is None
    assert parse_number("12,5") == 12.5
    assert parse_number("1,0001") == 1.0001


def test_thousands_comma_in_a_file_names_the_row_and_the_fix():
    # given a semicolon file with an ambiguous score in row 3
    from .helpers import csv_bytes, located, messages, parse

    data = csv_bytes([["UPN", "Group", "Score"], ["A1", "I", "12,5"], ["A2", "C", "1,000"]], delimiter=";")
    # when it is parsed
    result = parse(data)
    # then nothing is stored and the error says why and how to fix it
    assert result.records.empty
    assert located(result) == [(3, "Score", "1,000")]
    assert "thousands separator" in messages(result)[0]
