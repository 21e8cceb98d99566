"""The headline effect against models fitted here, independently, with statsmodels' formula API
(and textbook formulas): 1, 2, 3 and 6 schools, unequal groups, imbalance at baseline, a school
with one group only, missing stages, switchers, sd 0. The product's code is called once per case;
the expected numbers never come from it.
"""
from __future__ import annotations

import math
import statistics
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from research.analysis.effects import months_progress
from research.analysis.results import project_results
from research.analysis.types import MeasureInfo

MATHS = MeasureInfo(1, "Maths test", "attainment", 0, 100, True, "marks")
ANXIETY = MeasureInfo(1, "Anxiety scale", "well-being", 0, 40, False, "points")
COLUMNS = ["pupil_key", "school_id", "group", "stage", "measure_id", "score", "disadvantaged", "send", "eal",
           "year_group"]


def pupils(schools: int, per_school: int, *, seed: int, effect: float = 4.0, imbalance: float = 3.0,
           one_group_school: bool = False) -> pd.DataFrame:
    """One row per pupil: school, group, baseline, final (a school effect, baseline imbalance)."""
    rng = np.random.default_rng(seed)
    rows = []
    for school in range(1, schools + 1):
        school_shift = rng.normal(0, 4)
        for index in range(per_school):
            group = "intervention" if index % 3 != 0 else "comparison"
            if one_group_school and school == 1:
                group = "intervention"
            baseline = 50 + school_shift + rng.normal(0, 10) + (imbalance if group == "intervention" else 0)
            final = 5 + 0.8 * baseline + school_shift + rng.normal(0, 6) + (effect if group == "intervention" else 0)
            rows.append((f"S{school}-P{index:03d}", school, group, round(baseline, 1), round(final, 1)))
    return pd.DataFrame(rows, columns=["pupil", "school", "group", "baseline", "final"])


def long_frame(wide: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for pupil in wide.itertuples():
        for stage, score in (("theory", pupil.baseline), ("dissemination", pupil.final)):
            if not pd.isna(score):
                rows.append((pupil.pupil, pupil.school, pupil.group, stage, 1, score, None, None, None, 5))
    return pd.DataFrame(rows, columns=COLUMNS)


def headline_of(frame: pd.DataFrame, measure=MATHS, min_cell: int = 6) -> dict:
    effects = project_results(frame, [measure], min_cell)["measures"][0]["effects"]
    return effects


def treated(wide: pd.DataFrame) -> pd.DataFrame:
    return wide.assign(treated=(wide["group"] == "intervention").astype(float))


def pooled_final_sd(wide: pd.DataFrame) -> float:
    a = wide.loc[wide["group"] == "intervention", "final"].tolist()
    b = wide.loc[wide["group"] == "comparison", "final"].tolist()
    return math.sqrt(((len(a) - 1) * statistics.variance(a) + (len(b) - 1) * statistics.variance(b))
                     / (len(a) + len(b) - 2))


def ols_expected(wide: pd.DataFrame, formula: str) -> dict:
    fit = smf.ols(formula, data=treated(wide)).fit()
    n = len(wide)
    scale = (1 - 3 / (4 * n - 9)) / pooled_final_sd(wide)
    low, high = fit.conf_int().loc["treated"]
    return {"difference": fit.params["treated"], "g": fit.params["treated"] * scale,
            "ci_low": low * scale, "ci_high": high * scale}


@pytest.mark.parametrize("schools", [1, 2, 3])
def test_fewer_than_four_schools_is_ols_with_school_fixed_effects(schools):
    # Given unequal groups (2:1), the intervention starting 3 points ahead, in 1-3 schools
    wide = pupils(schools, 24, seed=schools)
    # When the product computes the headline
    effects = headline_of(long_frame(wide))
    cell = effects["adjusted"]
    # Then it is OLS final ~ group + baseline (+ school), g = J x difference / pooled final sd, the t CI scaled
    formula = "final ~ treated + baseline" + (" + C(school)" if schools > 1 else "")
    expected = ols_expected(wide, formula)
    assert effects["headline"] == "adjusted"
    assert cell["difference"] == pytest.approx(expected["difference"], abs=1e-9)
    for key in ("g", "ci_low", "ci_high"):
        assert cell[key] == pytest.approx(expected[key], abs=1e-9), key
    assert cell["schools"] == schools and cell["n"] == len(wide)
    assert ("school" in cell["model"]) == (schools > 1) and cell["icc"] is None and cell["icc_reason"]


def best_reml_fit(formula: str, data: pd.DataFrame):
    """The REML maximum: the better of two optimisers (statsmodels' default can stop short)."""
    model = smf.mixedlm(formula, data, groups=data["school"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model, max([model.fit(reml=True), model.fit(reml=True, method="powell")], key=lambda f: f.llf)


def gls_se(model, fit, name: str) -> float:
    """Textbook GLS: Var(beta) = (sum over schools X' V^-1 X)^-1, V = residual I + school J."""
    information = 0
    for rows in model.row_indices.values():
        x = model.exog[rows]
        v = fit.scale * np.eye(len(rows)) + float(fit.cov_re.iloc[0, 0]) * np.ones((len(rows), len(rows)))
        information = information + x.T @ np.linalg.solve(v, x)
    return float(np.sqrt(np.linalg.inv(information)[model.exog_names.index(name), model.exog_names.index(name)]))


def mixed_expected(wide: pd.DataFrame) -> dict:
    data = treated(wide)
    model, adjusted = best_reml_fit("final ~ treated + baseline", data)
    _, plain = best_reml_fit("final ~ treated", data)
    school_variance = float(plain.cov_re.iloc[0, 0])
    total = school_variance + plain.scale
    coef, se = adjusted.fe_params["treated"], gls_se(model, adjusted, "treated")
    return {"difference": coef, "g": coef / math.sqrt(total), "ci_low": (coef - 1.959963985 * se) / math.sqrt(total),
            "ci_high": (coef + 1.959963985 * se) / math.sqrt(total), "icc": school_variance / total}


@pytest.mark.parametrize("one_group_school", [False, True])
def test_six_schools_is_a_multilevel_model_standardised_by_the_total_variance(one_group_school):
    # Given 6 schools (in one of which every pupil is in the intervention group)
    wide = pupils(6, 18, seed=60 + one_group_school, one_group_school=one_group_school)
    # When the product computes the headline
    cell = headline_of(long_frame(wide))["adjusted"]
    # Then it is MixedLM (REML) with a school intercept, g = difference / sqrt(school + pupil variance of final ~ group)
    expected = mixed_expected(wide)
    assert "MixedLM" in cell["model"] and cell["schools"] == 6
    for key in ("difference", "g", "ci_low", "ci_high", "icc"):
        assert cell[key] == pytest.approx(expected[key], abs=1e-6), key


def test_missing_stages_leave_pupils_out_and_no_baseline_compares_final_scores():
    # Given pupils without a final score (left) and without a baseline (joined late)
    wide = pupils(1, 30, seed=7)
    wide.loc[wide.index[:3], "final"] = np.nan
    wide.loc[wide.index[3:5], "baseline"] = np.nan
    cell = headline_of(long_frame(wide))["adjusted"]
    # Then only pupils with both scores count
    complete = wide.dropna()
    assert cell["n"] == len(complete)
    assert cell["g"] == pytest.approx(ols_expected(complete, "final ~ treated + baseline")["g"], abs=1e-9)
    # And with no baseline at all, the headline is Hedges' g on final scores, said so
    no_baseline = headline_of(long_frame(wide.assign(baseline=np.nan)))
    assert no_baseline["headline"] == "final" and "No baseline" in no_baseline["headline_reason"]
    assert "adjusted" not in no_baseline


def test_a_pupil_who_switches_group_stays_in_the_first_group():
    # Given a pupil recorded in the comparison group at baseline and the intervention group at the end
    wide = pupils(1, 24, seed=8)
    frame = long_frame(wide)
    switcher = wide.loc[wide["group"] == "comparison", "pupil"].iloc[0]
    frame.loc[(frame["pupil_key"] == switcher) & (frame["stage"] == "dissemination"), "group"] = "intervention"
    results = project_results(frame, [MATHS], 6)["measures"][0]
    cell = results["effects"]["adjusted"]
    # Then the pupil counts once, in the comparison group (intention to treat), and the fit is the original one
    assert (cell["n_intervention"], cell["n_comparison"]) == ((wide["group"] == "intervention").sum(),
                                                              (wide["group"] == "comparison").sum())
    assert cell["g"] == pytest.approx(ols_expected(wide, "final ~ treated + baseline")["g"], abs=1e-9)
    assert results["switched_pupils"] == 1 and "first" in results["switched_note"]


def test_all_final_scores_equal_gives_no_effect_and_says_why():
    wide = pupils(1, 12, seed=9).assign(final=50.0)
    cell = headline_of(long_frame(wide))["adjusted"]
    assert cell["g"] is None and "sd 0" in cell["reason"]


def test_lower_is_better_flips_g_but_not_the_difference_in_points():
    wide = pupils(1, 24, seed=10)
    cell = headline_of(long_frame(wide), ANXIETY)["adjusted"]
    expected = ols_expected(wide, "final ~ treated + baseline")
    assert cell["g"] == pytest.approx(-expected["g"], abs=1e-9)
    assert (cell["ci_low"], cell["ci_high"]) == pytest.approx((-expected["ci_high"], -expected["ci_low"]), abs=1e-9)
    assert cell["difference"] == pytest.approx(expected["difference"], abs=1e-9)


def test_no_headline_months_or_padlocks_under_the_minimum_cell():
    # Given a comparison group of 5 analysed pupils under an alliance minimum of 6
    wide = pupils(1, 15, seed=11)
    results = project_results(long_frame(wide), [MATHS], 6)["measures"][0]
    # Then the effect is computed (members can read it) but there is no headline, and no padlocks
    assert results["effects"]["adjusted"]["n_comparison"] == 5
    assert results["effects"]["headline"] is None and "minimum cell size" in results["effects"]["headline_reason"]
    assert results["evidence_strength"]["padlocks"] is None


EDGES = [(0.0, 0), (0.01, 0), (0.02, 1), (0.09, 1), (0.10, 2), (0.18, 2), (0.19, 3), (0.26, 3), (0.27, 4),
         (0.35, 4), (0.36, 5), (0.44, 5), (0.45, 6), (0.52, 6), (0.53, 7), (0.61, 7), (0.62, 8), (0.69, 8),
         (0.70, 9), (0.78, 9), (0.79, 10), (0.87, 10), (0.88, 11), (0.95, 11), (0.96, 12), (1.5, 12)]


@pytest.mark.parametrize(("g", "months"), EDGES)
def test_months_at_every_band_edge(g, months):
    # The EEF Toolkit table (DESIGN section 5); sign follows g
    assert months_progress(g) == months
    assert months_progress(-g) == -months


def test_months_follow_g_as_shown_rounded_to_two_places():
    # Given g = 0.4499 (shown as 0.45): months are those of 0.45 (6), not of 0.4499 (5)
    wide = pupils(1, 30, seed=12)
    cell = headline_of(long_frame(wide))["adjusted"]
    assert cell["months"] == months_progress(round(cell["g"], 2))
    assert months_progress(round(0.4499, 2)) == 6


def test_verdict_agrees_with_estimate_and_interval():
    wide = pupils(1, 30, seed=13, effect=0.0)
    results = project_results(long_frame(wide), [MATHS], 6)["measures"][0]
    cell = results["effects"]["adjusted"]
    expected = ("Positive: " if cell["ci_low"] > 0 else "Negative: " if cell["ci_high"] < 0 else
                "Positive but uncertain" if cell["g"] >= 0 else "Negative but uncertain")
    assert results["verdict"].startswith(expected)
    assert str(results["evidence_strength"]["padlocks"]) in results["verdict"]


def test_groups_in_separate_schools_leave_the_school_out_and_say_so():
    # Given two schools, all intervention pupils in one and all comparison pupils in the other
    wide = pupils(2, 24, seed=14)
    wide["group"] = np.where(wide["school"] == 1, "intervention", "comparison")
    results = project_results(long_frame(wide), [MATHS], 6)["measures"][0]
    cell = results["effects"]["adjusted"]
    # Then the model cannot use school (it would take the whole difference): OLS without it, and flagged
    expected = ols_expected(wide, "final ~ treated + baseline")
    assert cell["g"] == pytest.approx(expected["g"], abs=1e-9) and cell["school_confounded"] is True
    assert "school left out" in cell["model"]
    threats = next(c for c in results["evidence_strength"]["criteria"] if c["cell"] == "strength:threats")
    assert "all in one group" in threats["reason"] and threats["padlocks_lost"] == 1
