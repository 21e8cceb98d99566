// The evidence map: strands of published findings (theme x kind of measure x phase), pooled; a GET form of filters.
import { api, taxonomy } from "./api.js";
import { $, el, labelOf, num, options, replace } from "./dom.js";
import { startPage } from "./layout.js";

const form = $("#evidence-form");
const query = new URLSearchParams(location.search);

/** "0.12 (95% CI −0.05 to 0.29)" */
export const pooledText = ({ g, ci_low, ci_high }) => (typeof g === "number"
  ? `${num(g, 2)} (95% CI ${num(ci_low, 2)} to ${num(ci_high, 2)})` : "not estimated");
export const intervalText = ({ prediction_interval: p, prediction_interval_reason: reason }) =>
  (p ? `${num(p.low, 2)} to ${num(p.high, 2)}` : reason || "–");
export const monthsText = (months) => (typeof months === "number" ? `${months > 0 ? "+" : ""}${num(months, 0)}` : "–");
export const directionsText = ({ positive, null: none, negative, not_estimated: unknown }) =>
  `${positive} better, ${none} no clear difference, ${negative} worse${unknown ? `, ${unknown} not estimated` : ""}`;

function fillFilters(choices) {
  const lists = { phase: choices.phases, subject: choices.subjects, measure_kind: choices.measure_kinds,
    theme: choices.themes.map((t) => ({ value: t.slug, label: t.name })) };
  for (const [name, choicesOf] of Object.entries(lists)) replace(form.elements[name], options(choicesOf, "Any"));
  for (const name of [...Object.keys(lists), "min_padlocks"]) form.elements[name].value = query.get(name) || "";
}

function strandRow(s) {
  const link = el("a", { href: `/evidence/${s.key}/${query.get("subject") ? `?subject=${query.get("subject")}` : ""}` },
    `${s.theme_label}: ${s.measure_kind_label.toLowerCase()}, ${s.phase_label}`);
  return el("tr", el("th", { scope: "row" }, link), [
    pooledText(s.pool), intervalText(s.pool), monthsText(s.months), `${s.findings}`, directionsText(s.directions),
    `${s.schools}`, `${s.pupils}`, `${s.padlocks} of 5`,
  ].map((text) => el("td", text)));
}

async function start() {
  await startPage();
  try {
    const [data, choices] = await Promise.all([api("evidence-map/", { query: Object.fromEntries(query) }), taxonomy()]);
    fillFilters(choices);
    $("#strands-count").textContent = `${data.count} strand${data.count === 1 ? "" : "s"} from ${data.findings} published finding${data.findings === 1 ? "" : "s"}`;
    const filtered = [...query.keys()].length ? " with these filters" : "";
    replace($("#strands"), data.strands.length ? el("div.scroll", el("table", { id: "strand-table" },
      el("caption", `Strands${filtered}: pooled effect size (Hedges' g), range for a new setting, months' progress, findings and evidence strength`),
      el("thead", el("tr", ["Strand", "Pooled g (95% CI)", "95% prediction interval", "Months' progress", "Findings",
        "Results", "Schools", "Pupils", "Strand padlocks"].map((text) => el("th", { scope: "col" }, text)))),
      el("tbody", data.strands.map(strandRow)))) : el("p", "No strand matches these filters. Try fewer filters."));
    $("#padlock-rule").textContent = "Strand padlocks: the median of the pooled findings' padlocks (rounded down), at most 1 with one finding, 2 with two, 3 with three or four, 4 with five to nine; at most 3 when the findings disagree a lot (I² over 50%) and 2 when over 75%.";
  } catch (error) {
    replace($("#strands"), el("p.error-text", error.detail));
  }
  $("#strands").removeAttribute("aria-busy");
}

if (form) start();
