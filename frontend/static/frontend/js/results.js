// Results as tables and charts; a value withheld from the viewer is "c".
import { api } from "./api.js";
import { $, el, fill, humanise, labelOf, list, muted, num, table } from "./dom.js";

export const DIRECTION = { positive: "Intervention did better", negative: "Intervention did worse", unclear: "No clear difference",
  not_estimated: "Not estimated" };
const CHARTS = { effects: "Effect sizes", trajectory: "Mean score by stage", distribution: "Spread of scores",
  gap: "Disadvantaged pupils and others", forest: "Effect sizes, and pooled", pipeline: "Projects by status and term",
  collaboration: "Schools working together" };

/** Padlocks gained: a lower bound when criteria are withheld ("c"). */
const padlocks = ({ padlocks: n, max_padlocks: max = 5 } = {}) => (typeof n === "number" ? `${n} of ${max} padlocks` : n === "c" ? "c" : "not rated");

/** "0.19 (95% CI −0.40 to 0.77)" */
export const effectText = ({ g, ci_low, ci_high } = {}) => (g === "c" ? "c" : typeof g === "number"
  ? `${num(g, 2)} (95% CI ${num(ci_low, 2)} to ${num(ci_high, 2)})` : "not estimated");

const months = (m) => (typeof m === "number" ? `, about ${num(m, 0)} months' progress` : "");

/** The headline: the between-group effect the analysis chose ("c": withheld), else within-group change. */
const headlineCell = ({ effects: e = {} }) => (e.headline === "c" ? { g: "c", n: "c", months: "c" } : e[e.headline] || e.within_group);

/** A finding in short: its headline effect in words, its padlocks. */
export const headline = ({ effect_direction, headline: h, evidence_strength }) => [
  el("p", el("strong", `${DIRECTION[effect_direction]}. `), typeof h.g === "number" && `${h.measure.name}: effect size g = ${effectText(h)}${months(h.months)}.`),
  el("p", `Evidence strength: ${padlocks({ padlocks: evidence_strength })}`)];

const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);

/** Links that save the chart as a file (PNG for slides, SVG to scale). Each is named "Download <chart> as PNG";
 * its visible text (PNG) ends that name, so people who speak the link's words reach it. */
export function chartDownloads(url, label, filename) {
  const link = (format) => el("a.chart-download", { href: url(format), download: `${filename}.${format}` },
    el("span.visually-hidden", `Download ${label} as `), format.toUpperCase());
  return el("p.chart-downloads", "Download this chart:", link("png"), link("svg"));
}

/** A chart: SVG; alt text from the .json, asked once drawn (a finding draws on first request); data (.csv). */
export function chart(base, name, measure, caption) {
  const url = (format) => `${base}/${name}.${format}${measure ? `?measure=${measure}` : ""}`;
  const failed = () => { img.alt = `${CHARTS[name]} (no description)`; };
  const img = el("img", { src: url("svg"), alt: "", onerror: failed, onload: () => api(url("json")).then((data) => { img.alt = data.alt_text; }, failed) });
  const label = `${CHARTS[name]}${caption ? `: ${caption}` : ""}`;
  return el("figure.chart", img, el("figcaption", `${label}. `,
    el("a.print-url", { href: url("csv") }, "Data behind this chart (CSV)")),
    chartDownloads(url, label, slug(`${name} ${caption || ""}`)));
}

export const chartList = ({ measures }) => measures.filter((m) => !m.reason).flatMap(({ measure: { id, name } }, i) =>
  [!i && { name: "effects" }, ...["trajectory", "distribution", "gap"].map((chartName) => ({ name: chartName, measure: id, measure_name: name }))]
).filter(Boolean);

function measureSection(m, stages, charts) {
  const { measure, effects: e = {}, evidence_strength: s = {} } = m;
  return el("section", el("h3", measure.name, measure.unit && ` (${measure.unit})`),
    m.reason ? muted(m.reason) : table(`${measure.name}: pupils, mean and spread at each stage`, ["Stage", "Group", "Pupils (n)", "Mean", "SD"],
      m.descriptives.map((d) => [labelOf(stages, d.stage), humanise(d.group), num(d.n, 0), num(d.mean), num(d.sd)])),
    m.verdict && el("p.verdict", m.verdict),
    m.criteria?.length > 0 && [el("p", el("strong", "Success criteria agreed before the data:")),
      list(m.criteria.map((c) => [el("strong", `${c.label}: `), c.reason === "c" ? "c" : c.reason]))],
    ["adjusted", "final", "gain", "within_group"].filter((key) => e[key]).map((key) => el("p", el("strong", `${e[key].label}${key === e.headline ? " (headline)" : ""}: `),
      `g = ${effectText(e[key])}, ${num(e[key].n, 0)} pupils${months(e[key].months)}${key === "within_group" ? `; ${e.design}` : ""}${key === "adjusted" && e[key].model ? `; ${num(e[key].difference)} points, ${e[key].model}` : ""}.`)),
    e.headline_reason !== "c" && muted(e.headline_reason),
    s.criteria && [el("p", el("strong", "Evidence strength: "), padlocks(s)),
      list(s.criteria.map((c) => [el("strong", `${c.criterion} (${c.met === "c" ? "c" : "padlocks" in c ? `${c.padlocks} of 5` : `−${c.padlocks_lost}`}): `), c.reason]))],
    charts);
}

/** A line per measure, then each one's table, effects, padlocks (with reasons), charts; the "c" note if needed. */
export function resultsView(results, stages, base, charts) {
  const note = $(".c-note");
  fill(results, note);
  note.hidden = !JSON.stringify(results.measures).includes('"c"');
  const figures = (id) => charts.filter((c) => c.measure == id).map((c) => chart(base, c.name, c.measure, c.measure_name));
  return [
    table("The effect on each measure", ["Measure", "Pupils (n)", "Effect size g (95% CI)", "Months' progress", "Evidence strength"],
      results.measures.map((m) => {
        const cell = headlineCell(m) || {};
        return [m.measure.name, num(cell.n, 0), effectText(cell), num(cell.months, 0), padlocks(m.evidence_strength)];
      })),
    results.measures.map((m) => measureSection(m, stages, figures(m.measure.id))),
    figures(null),
  ];
}
