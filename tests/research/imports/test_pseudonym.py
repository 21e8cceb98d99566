"""Pupil ids become keyed hashes: stable within an alliance, unrelated across alliances."""
import hashlib
import hmac

import pytest

from research.imports import normalise_pupil_id, pupil_key
from research.imports.pseudonym import pupil_keys

from .helpers import ALLIANCE, SECRET, csv_bytes, parse


def test_key_is_hmac_sha256_of_alliance_and_normalised_id():
    # given a secret, an alliance and an id
    # when it is keyed
    key = pupil_key(SECRET, ALLIANCE, " a123 ")
    # then it is hex HMAC-SHA256(secret, alliance + US + normalised id)
    expected = hmac.new(SECRET, f"{ALLIANCE}\x1fA123".encode(), hashlib.sha256).hexdigest()
    assert key == expected
    assert len(key) == 64 and all(c in "0123456789abcdef" for c in key)


@pytest.mark.parametrize("written", ["A123", "a123", " a123 ", "A 123", "\ta1 23\n"])
def test_spacing_and_case_do_not_change_the_key(written):
    # given the same id written in different ways / then they are one pupil
    assert normalise_pupil_id(written) == "A123"
    assert pupil_key(SECRET, ALLIANCE, written) == pupil_key(SECRET, ALLIANCE, "A123")


def test_different_alliances_and_secrets_give_unrelated_keys():
    # given one id / when keyed for two alliances or with two secrets / then every key differs
    keys = {
        pupil_key(SECRET, "alliance-a", "A123"),
        pupil_key(SECRET, "alliance-b", "A123"),
        pupil_key(b"another-secret", "alliance-a", "A123"),
    }
    assert len(keys) == 3


def test_alliance_and_id_cannot_run_together():
    # given an alliance/id split that concatenates to the same text / then the keys differ
    assert pupil_key(SECRET, "ab", "C1") != pupil_key(SECRET, "a", "BC1")


def test_batch_keys_match_single_keys():
    # given many ids, including a long secret that HMAC hashes first
    ids = ["A1", "B22", "Ü3", "X" * 100]
    for secret in (SECRET, b"k" * 200):
        # when keyed in one batch / then each matches the one-at-a-time key
        assert pupil_keys(secret, ALLIANCE, ids) == [pupil_key(secret, ALLIANCE, i) for i in ids]


def test_empty_secret_is_refused():
    # given no secret / then keying fails loudly instead of producing guessable keys
    with pytest.raises(ValueError):
        pupil_key(b"", ALLIANCE, "A1")
    with pytest.raises(ValueError):
        parse(csv_bytes([["UPN", "Group", "Score"], ["A1", "I", "5"]]), secret=b"")


def test_same_pupil_same_key_across_uploads_in_one_alliance():
    # given two uploads (different stages, different formatting of the id)
    first = parse(csv_bytes([["UPN", "Group", "Score"], ["k123", "I", "5"]]))
    second = parse(csv_bytes([["Pupil ID", "Group", "Mark"], [" K 123", "I", "9"]]))
    other_alliance = parse(csv_bytes([["UPN", "Group", "Score"], ["K123", "I", "5"]]), alliance_key="alliance-south")
    # then the pupil's key matches within the alliance only, and the raw id is not in it
    assert first.records["pupil_key"].iloc[0] == second.records["pupil_key"].iloc[0]
    assert first.records["pupil_key"].iloc[0] != other_alliance.records["pupil_key"].iloc[0]
    assert "K123" not in first.records["pupil_key"].iloc[0].upper()
