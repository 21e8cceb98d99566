"""The headline effect against R: lme4's lmer (REML) and lm on the synthetic pupils in
fixtures/reference (written by fixtures/reference/make_reference.R; `make reference-values`).
The product's numbers come from project_results, the reference ones from R's output file."""
import json
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from research.analysis.results import project_results
from research.analysis.types import MeasureInfo

REFERENCE_DIR = Path(__file__).parents[3] / "fixtures/reference"
REFERENCE = json.loads((REFERENCE_DIR / "lme4_models.json").read_text())
MEASURE = MeasureInfo(1, "Reference test", "attainment", -1000, 1000, True, "points")
COLUMNS = ["pupil_key", "school_id", "group", "stage", "measure_id", "score", "disadvantaged", "send", "eal",
           "year_group"]


def frame_of(file: str, schools: list[str] | None = None) -> pd.DataFrame:
    pupils = pd.read_csv(REFERENCE_DIR / file)
    if schools is not None:
        pupils = pupils[pupils["school"].isin(schools)]
    rows = []
    for pupil in pupils.itertuples():
        for stage, score in (("theory", pupil.baseline), ("dissemination", pupil.final)):
            rows.append((pupil.pupil, pupil.school, pupil.group, stage, 1, float(score), None, None, None, 5))
    return pd.DataFrame(rows, columns=COLUMNS)


def adjusted_cell(frame: pd.DataFrame) -> dict:
    return project_results(frame, [MEASURE], 6)["measures"][0]["effects"]["adjusted"]


@pytest.mark.parametrize("name", sorted(REFERENCE["models"]))
def test_multilevel_headline_matches_lme4(name):
    # given one of R's data sets (4 or 6 schools: the multilevel model)
    reference = REFERENCE["models"][name]
    # when the product computes the headline on the same pupils
    cell = adjusted_cell(frame_of(reference["file"]))
    # then the adjusted difference, its Wald CI, the ICC and g with its CI are lme4's
    assert "MixedLM" in cell["model"] and cell["schools"] == reference["schools"] and cell["n"] == reference["n"]
    adjusted = reference["adjusted"]
    assert cell["difference"] == pytest.approx(adjusted["coefficient"], abs=1e-4)
    assert cell["difference_ci_low"] == pytest.approx(adjusted["ci_low"], abs=2e-3)
    assert cell["difference_ci_high"] == pytest.approx(adjusted["ci_high"], abs=2e-3)
    assert cell["icc"] == pytest.approx(reference["unconditional"]["icc"], abs=1e-4)
    for key, r_key in (("g", "value"), ("ci_low", "ci_low"), ("ci_high", "ci_high")):
        assert cell[key] == pytest.approx(reference["g"][r_key], abs=1e-4), key


def test_three_schools_is_lm_with_school_fixed_effects():
    # given R's lm(final ~ group + baseline + factor(school)) on three of the six schools
    reference = REFERENCE["three_school_ols"]
    cell = adjusted_cell(frame_of(reference["file"], reference["schools"]))
    # then the difference is lm's coefficient and its CI lm's t interval
    half = stats.t.ppf(0.975, reference["df_residual"]) * reference["se"]
    assert cell["difference"] == pytest.approx(reference["coefficient"], abs=1e-8)
    assert (cell["difference_ci_low"], cell["difference_ci_high"]) == pytest.approx(
        (reference["coefficient"] - half, reference["coefficient"] + half), abs=1e-8)
    assert "fixed effect" in cell["model"] and cell["schools"] == 3
