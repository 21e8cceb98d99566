"""Evidence-map strands against pooling written here from the textbook formulas.

REML tau^2 by Viechtbauer's (2005) fixed-point iteration (not the product's likelihood maximisation),
the Hartung-Knapp-Sidik-Jonkman CI and the prediction interval by formula, Egger's test with
statsmodels' OLS fitted here.
"""
import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from research.analysis.effects import months_progress
from research.analysis.evidence_map import (
    EGGER_MIN_FINDINGS, NO_BETWEEN_GROUP, StrandFinding, group_by_strand, kind_effects, parse_strand_key,
    strand_findings, strand_key, strand_padlocks, strand_summary,
)

G = [0.31, -0.12, 0.05, 0.48, 0.22, -0.35, 0.15, 0.02, 0.40, 0.11, -0.05, 0.27]
V = [0.020, 0.045, 0.012, 0.090, 0.030, 0.060, 0.015, 0.025, 0.110, 0.018, 0.040, 0.050]
N = [200, 90, 330, 45, 130, 70, 270, 160, 40, 220, 100, 80]


def finding(index: int, g=None, variance=None, n=None, padlocks=3, kind="attainment", reason=None) -> StrandFinding:
    return StrandFinding(slug=f"finding-{index}", project_id=index, title=f"Finding {index}", alliance="A",
                         theme="feedback", measure_kind=kind, phase="ks2", subject="writing", measure="Writing",
                         g=g, variance=variance, n=n, schools=2, padlocks=padlocks, reason=reason)


def reml_by_fixed_point(g: np.ndarray, v: np.ndarray) -> float:
    """Viechtbauer (2005), eq. 13: tau2 <- sum w^2 ((y - mu)^2 - v) / sum w^2 + 1 / sum w, truncated at 0."""
    tau2 = max(0.0, float(np.var(g, ddof=1) - np.mean(v)))
    for _ in range(10_000):
        w = 1 / (v + tau2)
        mu = np.sum(w * g) / np.sum(w)
        new = max(0.0, float(np.sum(w ** 2 * ((g - mu) ** 2 - v)) / np.sum(w ** 2) + 1 / np.sum(w)))
        if abs(new - tau2) < 1e-14:
            return new
        tau2 = new
    raise AssertionError("did not converge")


def textbook_pool(g, v) -> dict:
    g, v = np.asarray(g, float), np.asarray(v, float)
    k = len(g)
    tau2 = reml_by_fixed_point(g, v)
    w = 1 / (v + tau2)
    mu = float(np.sum(w * g) / np.sum(w))
    # HKSJ: the weighted residual variance scales the variance of the weighted mean; t with k - 1 df.
    se = math.sqrt(float(np.sum(w * (g - mu) ** 2)) / ((k - 1) * float(np.sum(w))))
    t = stats.t.ppf(0.975, k - 1)
    half_pi = stats.t.ppf(0.975, k - 2) * math.sqrt(tau2 + se ** 2)
    return {"g": mu, "se": se, "tau2": tau2, "ci": (mu - t * se, mu + t * se), "pi": (mu - half_pi, mu + half_pi)}


@pytest.mark.parametrize("k", [3, 5, 12])
def test_the_strand_pool_is_reml_with_hksj_and_the_prediction_interval(k):
    # given k findings in one strand
    findings = [finding(i, G[i], V[i], N[i]) for i in range(k)]
    # when the strand is summarised
    summary = strand_summary("feedback--attainment--ks2", findings)
    pool = summary["pool"]
    # then its pool agrees with REML + HKSJ computed here, and so does the prediction interval
    expected = textbook_pool(G[:k], V[:k])
    assert pool["method_code"] == "reml" and pool["k"] == k
    assert pool["tau2"] == pytest.approx(expected["tau2"], abs=1e-7)
    assert pool["g"] == pytest.approx(expected["g"], abs=1e-7)
    assert pool["se"] == pytest.approx(expected["se"], abs=1e-7)
    assert (pool["ci_low"], pool["ci_high"]) == pytest.approx(expected["ci"], abs=1e-7)
    interval = pool["prediction_interval"]
    assert (interval["low"], interval["high"]) == pytest.approx(expected["pi"], abs=1e-7)
    assert interval["distribution"] == f"t, k - 2 = {k - 2} df"
    # and months come from the pooled g rounded to 2 dp (attainment), counts from the findings
    assert summary["months"] == months_progress(round(expected["g"], 2))
    assert summary["findings"] == summary["projects"] == k
    assert summary["schools"] == 2 * k and summary["pupils"] == sum(N[:k])


def test_a_tau_squared_of_zero_is_found_too():
    # given findings that agree more closely than their variances suggest
    g, v = [0.20, 0.21, 0.19, 0.20], [0.04, 0.05, 0.03, 0.04]
    summary = strand_summary("feedback--attainment--ks2", [finding(i, g[i], v[i], 50) for i in range(4)])
    expected = textbook_pool(g, v)
    # then tau^2 is 0 and the pool is the fixed-effect mean with the HKSJ interval
    assert expected["tau2"] == 0.0 and summary["pool"]["tau2"] == 0.0
    assert summary["pool"]["g"] == pytest.approx(expected["g"], abs=1e-12)
    assert summary["pool"]["ci_low"] == pytest.approx(expected["ci"][0], abs=1e-10)


def test_egger_regression_matches_statsmodels_ols_fitted_here():
    # given 12 pooled findings (10 or more)
    findings = [finding(i, G[i], V[i], N[i]) for i in range(12)]
    # when the strand's detail is summarised
    egger = strand_summary("feedback--attainment--ks2", findings, detail=True)["egger"]
    # then Egger's intercept, its CI and p are OLS of g/se on 1/se
    se = np.sqrt(V)
    fit = sm.OLS(np.asarray(G) / se, sm.add_constant(1 / se)).fit()
    assert egger["k"] == 12
    assert egger["intercept"] == pytest.approx(fit.params[0], abs=1e-10)
    assert (egger["ci_low"], egger["ci_high"]) == pytest.approx(tuple(fit.conf_int(0.05)[0]), abs=1e-10)
    assert egger["p_value"] == pytest.approx(fit.pvalues[0], abs=1e-10)


def test_egger_needs_ten_pooled_findings():
    findings = [finding(i, G[i], V[i], N[i]) for i in range(EGGER_MIN_FINDINGS - 1)]
    summary = strand_summary("feedback--attainment--ks2", findings, detail=True)
    assert summary["egger"] is None and "10 or more" in summary["egger_reason"]


def test_null_negative_and_unestimated_findings_are_counted_and_listed():
    # given a positive, a null, a negative finding and one with no effect to pool
    findings = [finding(1, 0.5, 0.01, 100), finding(2, 0.05, 0.02, 80), finding(3, -0.4, 0.01, 90),
                finding(4, reason="No comparison group.")]
    summary = strand_summary("feedback--attainment--ks2", findings, detail=True)
    # then every one is counted by its result, and none is dropped from the rows
    assert summary["directions"] == {"positive": 1, "null": 1, "negative": 1, "not_estimated": 1}
    assert summary["findings"] == 4 and summary["pool"]["k"] == 3
    rows = {row["slug"]: row for row in summary["rows"]}
    assert rows["finding-4"]["pooled"] is False and rows["finding-4"]["reason"] == "No comparison group."
    assert rows["finding-3"]["direction"] == "negative" and rows["finding-3"]["se"] == pytest.approx(0.1)
    assert sum(row["weight"] for row in summary["rows"] if row["pooled"]) == pytest.approx(1.0)
    # and pupils are the pooled findings' published n
    assert summary["pupils"] == 270


def test_months_only_for_attainment():
    findings = [finding(i, G[i], V[i], N[i], kind="well-being") for i in range(3)]
    summary = strand_summary("feedback--well-being--ks2", findings)
    assert summary["pool"]["g"] is not None and summary["months"] is None


@pytest.mark.parametrize("padlocks, i2, expected", [
    ([], None, 0),
    ([4], None, 1),                   # one finding: at most 1
    ([4, 4], 0.0, 2),                 # two: at most 2
    ([5, 4, 3], 10.0, 3),             # median 4, three findings: at most 3
    ([2, 3, 4, 5, 5], 10.0, 4),       # median 4
    ([2, 3, 4, 5, 5], 60.0, 3),       # I^2 > 50%: at most 3
    ([5] * 10, 80.0, 2),              # I^2 > 75%: at most 2
    ([5] * 10, 0.0, 5),
    ([None, 1, 2], 0.0, 1),           # a finding without padlocks counts as 0
])
def test_strand_padlocks_follow_the_documented_rule(padlocks, i2, expected):
    rating, reasons = strand_padlocks(padlocks, i2)
    assert rating == expected and reasons


def measure_result(measure_id, kind, g, variance, n, padlocks=3, public=True, design="between"):
    return {"measure": {"id": measure_id, "name": f"M{measure_id}", "kind": kind},
            "effects": {"design": "between-group (intervention vs comparison)" if design == "between"
                        else "within-group change (intervention only)", "headline": "adjusted",
                        "adjusted": {"g": g, "variance": variance, "n": n, "public": public}},
            "evidence_strength": {"padlocks": padlocks}}


def test_a_finding_enters_each_theme_and_kind_once_through_its_largest_usable_effect():
    # given a finding with two attainment measures (one larger), a withheld well-being effect, two themes
    measures = [measure_result(1, "attainment", 0.2, 0.02, 60), measure_result(2, "attainment", 0.3, 0.01, 120, 4),
                measure_result(3, "well-being", 0.1, 0.02, 60, public=False)]
    rows = strand_findings(slug="f", project_id=7, title="T", alliance="A", phase="ks2", subject="maths",
                           themes=["oracy", "feedback"], effects=kind_effects(measures, 7, "T"), schools=3)
    # then it is in four strands: each theme x each kind, attainment through the larger measure
    assert sorted(group_by_strand(rows)) == ["feedback--attainment--ks2", "feedback--well-being--ks2",
                                             "oracy--attainment--ks2", "oracy--well-being--ks2"]
    attainment = next(r for r in rows if r.measure_kind == "attainment")
    assert (attainment.g, attainment.n, attainment.padlocks, attainment.measure) == (0.3, 120, 4, "M2")
    well_being = next(r for r in rows if r.measure_kind == "well-being")
    assert well_being.g is None and well_being.reason == NO_BETWEEN_GROUP
    # and a within-group change is never pooled
    within = kind_effects([measure_result(1, "attainment", 0.5, 0.02, 40, design="within")], 1, "T")
    assert within["attainment"]["g"] is None


def test_strand_keys_round_trip():
    assert parse_strand_key(strand_key("well-being", "well-being", "early_years")) == (
        "well-being", "well-being", "early_years")
    assert parse_strand_key("feedback--attainment") is None


def flat(value, path=""):
    """A nested summary as {path: leaf}, for approx to compare."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in flat(item, f"{path}/{key}").items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in flat(item, f"{path}/{i}").items()}
    return {path: value}


def test_the_maps_list_pools_every_strand_as_its_page_does():
    # given random strands: missing effects, one or two usable findings, a project twice in a strand
    import pandas as pd

    from research.analysis.evidence_map import FRAME_COLUMNS, strand_summaries

    rng = np.random.default_rng(29)
    rows = []
    for strand in range(40):
        theme, phase = f"theme-{strand % 7}", ["ks1", "ks2", "ks3"][strand % 3]
        for i in range(int(rng.integers(0, 15))):
            project = strand * 100 + (i if strand % 9 else i // 2)  # every ninth strand repeats projects
            missing = rng.random() < 0.15
            g = None if missing else float(rng.normal(0.1, 0.3))
            variance = None if missing else float(rng.uniform(0.005, 0.1))
            rows.append((project, theme, "attainment" if strand % 2 else "well-being", phase, g, variance,
                         None if rng.random() < 0.1 else int(rng.integers(20, 300)), int(rng.integers(1, 5)),
                         None if rng.random() < 0.1 else int(rng.integers(0, 6))))
    rows += [(9001, "theme-none", "attainment", "ks2", None, None, 30, 2, 3),  # a strand with nothing to pool
             (9002, "theme-none", "attainment", "ks2", 0.2, 0.0, 30, 2, 3)]
    frame = pd.DataFrame.from_records(rows, columns=list(FRAME_COLUMNS))
    # when the list summarises them at once, and each strand is summarised from its findings
    listed = strand_summaries(frame)
    for key, summary in listed.items():
        theme, kind, phase = parse_strand_key(key)
        members = [StrandFinding("", p, "", "", t, k, ph, "", None, g, v, n, s, pad)
                   for p, t, k, ph, g, v, n, s, pad in rows if (t, k, ph) == (theme, kind, phase)]
        # then every figure is the strand page's own
        mine, page = flat(summary), flat(strand_summary(key, members))
        assert mine.keys() == page.keys(), key
        for path, value in page.items():
            if isinstance(value, float):
                assert mine[path] == pytest.approx(value, rel=1e-12), (key, path)
            else:
                assert mine[path] == value and type(mine[path]) is type(value), (key, path)
    assert {s["pool"]["k"] for s in listed.values()} >= {0, 1, 2} and max(s["pool"]["k"] for s in listed.values()) > 5
