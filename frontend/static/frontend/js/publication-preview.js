// What publishing will make public, drawn from GET /publication-preview/ as the finding page draws a finding.
import { api, taxonomy } from "./api.js";
import { el, facts, formatDate, list, muted, num } from "./dom.js";
import { designText } from "./plan-view.js";
import { effectText, headline } from "./results.js";

const written = (value) => el("p.text", value || "Not written.");

/** A measure's headline effect in words, or why there is none ("c": withheld). */
function measureLine({ measure, reason, effects: e = {} }) {
  const cell = e.headline === "c" ? { g: "c" } : e[e.headline] || e.within_group;
  return `${measure.name}: ${reason || (cell ? `g = ${effectText(cell)}, ${num(cell.n, 0)} pupils` : "not estimated")}`;
}

/** {unmet, nodes}: what still stands in the way of publishing, and the finding as readers will see it. */
export async function publicationPreview(project) {
  const [{ finding: f, unmet }, { stages }] = await Promise.all([api(`projects/${project.id}/publication-preview/`), taxonomy()]);
  const c = f.context;
  const dissemination = f.stages.dissemination;
  return { unmet, nodes: [
    el("p.muted", `${f.alliance}: to be published at /findings/${f.slug}/ (version ${f.version})`),
    el("h3", f.title), el("p.lead", f.research_question),
    el("h4", "In short"), headline(f),
    el("h4", "Context"), facts([["Schools", `${c.schools}`], ["Pupils", c.pupils], ["Subject", c.subject], ["Phase", c.phase],
      ["When", [c.academic_year, c.term].filter(Boolean).join(", ")], ["Themes", c.themes.join(", ") || "None"],
      ["Design", designText(f.qualitative_enquiry)]]),
    el("h4", "What was done"), stages.slice(0, 2).map(({ value, label, field_details: details }) => [el("h5", label),
      facts([["Session", formatDate(f.stages[value].session_date)], ...details.map((d) => [d.label, f.stages[value][d.name]])], "plan")]),
    el("h4", "Results"), f.results.measures.length ? list(f.results.measures.map(measureLine)) : muted("No results."),
    el("h4", "Findings"), written(dissemination.findings), el("h4", "Conclusions"), written(dissemination.conclusions),
    el("h4", "What did not work"), written(dissemination.what_did_not_work),
    el("h4", "Recommendations"), written(dissemination.recommendations),
    f.evidence.length > 0 && [el("h4", "Evidence"), list(f.evidence.map((e) => (e.file ? `${e.title} (file: ${e.file.filename})` : e.title)))],
  ] };
}
