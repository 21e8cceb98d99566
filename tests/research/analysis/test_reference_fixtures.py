"""The lme4 reference fixture reads back and agrees with statsmodels fitted directly.

fixtures/reference/lme4_models.json is R's lme4 1.1 and lm on the synthetic pupils next to it
(written by fixtures/reference/make_reference.R), for the headline-effect tests. Here statsmodels
MixedLM (REML) and OLS are fitted on the same CSVs, so the fixture is proven readable, signed
intervention minus comparison, and consistent with the library the product uses.
"""
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.tools.sm_exceptions import ConvergenceWarning

REFERENCE_DIR = Path(__file__).parents[3] / "fixtures/reference"
REFERENCE = json.loads((REFERENCE_DIR / "lme4_models.json").read_text())
GROUP = "group[T.intervention]"


def pupils(file: str) -> pd.DataFrame:
    data = pd.read_csv(REFERENCE_DIR / file)
    # comparison first, so the group coefficient is intervention minus comparison, as in R
    data["group"] = pd.Categorical(data["group"], categories=["comparison", "intervention"])
    return data


def fit_reml(formula: str, data: pd.DataFrame):
    """MixedLM by REML, the better of statsmodels' default optimisers and Powell's method.

    On the four small schools the default (BFGS, then L-BFGS, then CG) stops short of the maximum:
    school variance 9.7 where lme4 and Powell find 0.64, and an adjusted difference 0.43 points
    (0.03 SD) off. The restricted likelihood says which fit is right.
    """
    model = smf.mixedlm(formula, data, groups=data["school"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fits = [model.fit(reml=True), model.fit(reml=True, method="powell")]
    return model, max(fits, key=lambda fit: fit.llf)


def lme4_style_se(model, fit, column: int) -> float:
    """sqrt of [(X' V^-1 X)^-1] at the fitted variances: lme4's vcov(), conditional on them."""
    information = np.zeros((model.exog.shape[1],) * 2)
    for rows in model.row_indices.values():  # one school's rows at a time
        x = model.exog[rows]
        v = fit.scale * np.eye(len(rows)) + float(fit.cov_re.iloc[0, 0]) * np.ones((len(rows), len(rows)))
        information += x.T @ np.linalg.solve(v, x)
    return float(np.sqrt(np.linalg.inv(information)[column, column]))


@pytest.mark.parametrize("name", sorted(REFERENCE["models"]))
def test_lme4_fit_agrees_with_statsmodels_mixedlm(name):
    # given a synthetic data set and lme4's fits of it
    reference = REFERENCE["models"][name]
    data = pupils(reference["file"])
    assert len(data) == reference["n"] and data["school"].nunique() == reference["schools"]
    assert data["pupil"].str.fullmatch(r"S\d-P\d{3}").all()  # synthetic ids only
    # when statsmodels fits final ~ group + baseline with a random school intercept (REML)
    model, fit = fit_reml("final ~ group + baseline", data)
    adjusted = reference["adjusted"]
    # then the adjusted difference and the variances agree with lme4's
    assert fit.params[GROUP] == pytest.approx(adjusted["coefficient"], abs=1e-4)
    assert float(fit.cov_re.iloc[0, 0]) == pytest.approx(adjusted["school_variance"], rel=1e-3)
    assert fit.scale == pytest.approx(adjusted["residual_variance"], rel=1e-3)
    assert -2 * fit.llf == pytest.approx(adjusted["reml_criterion"], abs=1e-6)
    # and so does its se, computed as lme4 does (statsmodels' own bse inverts the observed information,
    # fixed-by-variance cross terms included: 2% larger here with a one-group school)
    column = list(fit.params.index).index(GROUP)
    assert lme4_style_se(model, fit, column) == pytest.approx(adjusted["se"], abs=1e-3)
    assert adjusted["ci_high"] - adjusted["coefficient"] == pytest.approx(1.959963984540054 * adjusted["se"])
    # and the model without baseline gives lme4's variances, ICC and g
    _, unconditional = fit_reml("final ~ group", data)
    school, residual = float(unconditional.cov_re.iloc[0, 0]), unconditional.scale
    assert school == pytest.approx(reference["unconditional"]["school_variance"], rel=1e-3)
    assert residual == pytest.approx(reference["unconditional"]["residual_variance"], rel=1e-3)
    assert school / (school + residual) == pytest.approx(reference["unconditional"]["icc"], abs=1e-4)
    assert fit.params[GROUP] / np.sqrt(school + residual) == pytest.approx(reference["g"]["value"], abs=1e-4)


def test_statsmodels_own_fit_and_se_match_lme4_when_every_school_has_both_groups():
    # given the six schools with both groups in each
    reference = REFERENCE["models"]["six_schools"]
    data = pupils(reference["file"])
    # when MixedLM is fitted as it comes (default optimisers, no retry)
    fit = smf.mixedlm("final ~ group + baseline", data, groups=data["school"]).fit(reml=True)
    # then its coefficient and its own bse are lme4's
    assert fit.params[GROUP] == pytest.approx(reference["adjusted"]["coefficient"], abs=1e-4)
    assert fit.bse[GROUP] == pytest.approx(reference["adjusted"]["se"], abs=1e-3)


def test_three_school_ols_agrees_with_statsmodels():
    # given three of the six schools, and R's lm with school as a fixed effect
    reference = REFERENCE["three_school_ols"]
    data = pupils(reference["file"])
    data = data[data["school"].isin(reference["schools"])]
    # when statsmodels fits the same model
    fit = smf.ols("final ~ group + baseline + C(school)", data).fit()
    # then coefficient and se agree to rounding
    assert len(data) == reference["n"] and int(fit.df_resid) == reference["df_residual"]
    assert fit.params[GROUP] == pytest.approx(reference["coefficient"], abs=1e-8)
    assert fit.bse[GROUP] == pytest.approx(reference["se"], abs=1e-8)


def groups_per_school(data: pd.DataFrame) -> pd.Series:
    return data.groupby("school", observed=True)["group"].nunique()


def test_data_sets_have_the_shapes_the_headline_tests_need():
    six = pupils(REFERENCE["models"]["six_schools"]["file"])
    one = pupils(REFERENCE["models"]["one_group_school"]["file"])
    small = pupils(REFERENCE["models"]["four_small_schools"]["file"])
    # both groups in every school of the six, 15-25 pupils each, and the groups unequal at baseline
    assert (groups_per_school(six) == 2).all() and six["school"].value_counts().between(15, 25).all()
    baseline = six.groupby("group", observed=True)["baseline"].mean()
    assert abs(baseline["intervention"] - baseline["comparison"]) / six["baseline"].std() > 0.05
    # exactly one school with one group only
    assert (groups_per_school(one) == 1).sum() == 1
    # four small schools
    assert small["school"].nunique() == 4 and small["school"].value_counts().between(8, 10).all()
