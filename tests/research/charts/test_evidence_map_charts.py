"""Evidence-map strand charts: the forest plot with the prediction interval, the funnel plot with Egger's test."""
import xml.etree.ElementTree as ET

from research.analysis.evidence_map import StrandFinding, strand_summary
from research.charts import render
from research.charts.evidence_map import funnel, strand_forest

G = [0.31, -0.12, 0.05, 0.48, 0.22, -0.35, 0.15, 0.02, 0.40, 0.11, -0.05, 0.27]
V = [0.020, 0.045, 0.012, 0.090, 0.030, 0.060, 0.015, 0.025, 0.110, 0.018, 0.040, 0.050]


def strand(k: int) -> dict:
    findings = [StrandFinding(slug=f"f{i}", project_id=i, title=f"Finding {i}", alliance="A", theme="feedback",
                              measure_kind="attainment", phase="ks2", subject="writing", measure="Writing", g=G[i],
                              variance=V[i], n=100, schools=2, padlocks=3) for i in range(k)]
    summary = strand_summary("feedback--attainment--ks2", findings, detail=True)
    return {**summary, "theme_label": "Feedback", "measure_kind_label": "Attainment", "phase_label": "Key stage 2"}


def gids(spec) -> set[str]:
    root = ET.fromstring(render(spec, "svg"))
    return {node.get("id") for node in root.iter() if node.get("id")}


def test_the_forest_plot_draws_every_finding_the_pool_and_the_prediction_interval():
    data = strand(5)
    spec = strand_forest(data, title="Feedback")
    rows = [r for r in spec.table if r["row"] == "project"]
    assert [r["label"] for r in rows] == [f"Finding {i}" for i in range(5)]
    interval = next(r for r in spec.table if r["row"] == "prediction_interval")
    assert (interval["ci_low"], interval["ci_high"]) == (data["pool"]["prediction_interval"]["low"],
                                                          data["pool"]["prediction_interval"]["high"])
    assert {"pooled-estimate", "prediction-interval"} <= gids(spec)
    assert "95% prediction interval" in spec.alt_text


def test_the_funnel_plot_shows_each_finding_against_its_se_and_egger():
    data = strand(12)
    spec = funnel(data, title="Feedback")
    findings = [r for r in spec.table if r["row"] == "finding"]
    assert len(findings) == 12 and findings[0]["se"] == V[0] ** 0.5
    assert {"findings", "pooled-line", "funnel-left", "funnel-right"} <= gids(spec)
    assert f"{data['egger']['intercept']:.2f}" in spec.alt_text and "Funnel plot of 12 findings" in spec.alt_text
    assert render(spec, "png")[:4] == b"\x89PNG"
