// One strand of the evidence map: the pool, its forest plot (and funnel plot with 10+ findings), every finding.
import { api } from "./api.js";
import { $, el, facts, num, replace, table } from "./dom.js";
import { directionsText, intervalText, monthsText, pooledText } from "./evidence-map.js";
import { startPage } from "./layout.js";
import { chartDownloads } from "./results.js";

const key = $("main").dataset.strand;
const subject = new URLSearchParams(location.search).get("subject");
const RESULT = { positive: "Better", negative: "Worse", null: "No clear difference", not_estimated: "Not estimated" };
const CHART_NAMES = { forest: "Forest plot: each finding's effect size and the pooled estimate",
  funnel: "Funnel plot: effect size against standard error" };

function figure(name) {
  const base = `/api/v1/evidence-map/${key}/charts/${name}`;
  const url = (format) => `${base}.${format}${subject ? `?subject=${subject}` : ""}`;
  const img = el("img", { src: url("svg"), alt: "", onload: () => api(url("json")).then((data) => { img.alt = data.alt_text; }) });
  img.id = `chart-${name}`;
  return el("figure.chart", img, el("figcaption", `${CHART_NAMES[name]}. `, el("a", { href: url("csv") }, "Data behind this chart (CSV)")),
    chartDownloads(url, CHART_NAMES[name], `evidence-${key}-${name}`));
}

const findingRow = (r) => [el("a", { href: r.link }, r.title), r.alliance, r.measure || "–",
  typeof r.g === "number" ? num(r.g, 2) : "–", typeof r.variance === "number" ? num(r.variance, 4) : "–",
  typeof r.ci_low === "number" ? `${num(r.ci_low, 2)} to ${num(r.ci_high, 2)}` : "–",
  r.n ?? "–", r.schools ?? "–", r.padlocks ?? "–", RESULT[r.direction],
  r.pooled ? `${num(100 * r.weight, 0)}%` : `Not pooled: ${r.reason}`];

async function start() {
  await startPage();
  try {
    const s = await api(`evidence-map/${key}/`, { query: { subject } });
    const title = `${s.theme_label}: ${s.measure_kind_label.toLowerCase()}, ${s.phase_label}`;
    $("#strand-title").textContent = title;
    document.title = `${title} – Evidence map – Action research`;
    const p = s.pool;
    replace($("#strand"),
      p.reason && el("p.muted", p.reason),
      facts([
        ["Pooled effect size (g)", pooledText(p)],
        ["Method", `${p.method}${p.ci_distribution ? `; interval from ${p.ci_distribution}` : ""}`],
        ["95% prediction interval", intervalText(p)],
        ["Months' progress", s.months === null ? "Not given (attainment strands only)" : monthsText(s.months)],
        ["Heterogeneity", typeof p.i2_percent === "number" ? `I² = ${num(p.i2_percent, 0)}%, τ² = ${num(p.tau2, 3)}` : "–"],
        ["Findings", `${s.findings} (${directionsText(s.directions)})`],
        ["Projects, schools, pupils", `${s.projects} projects, ${s.schools} schools, ${s.pupils} pupils`],
        ["Strand padlocks", `${s.padlocks} of 5. ${s.padlock_reasons.join(" ")}`],
        ["Small-study effects", s.egger ? `Egger's test: intercept ${num(s.egger.intercept, 2)} (95% CI ${num(s.egger.ci_low, 2)} to ${num(s.egger.ci_high, 2)}), p = ${num(s.egger.p_value, 3)}` : s.egger_reason],
      ]),
      el("h2", "Charts"), figure("forest"), s.egger && figure("funnel"),
      el("h2", "Findings in this strand"),
      table(`Every published finding in this strand, with the effect size (g) and variance that recompute the pool`,
        ["Finding", "Alliance", "Measure", "g", "Variance", "95% CI", "Pupils (n)", "Schools", "Padlocks", "Result", "Weight"],
        s.rows.map(findingRow)));
  } catch (error) {
    replace($("#strand"), el("p.error-text", error.detail));
  }
  $("#strand").removeAttribute("aria-busy");
}

start();
