// A finding as published (frozen), on its page and report; or its withdrawal notice.
import { api, taxonomy } from "./api.js";
import { $, el, facts, fill, formatDate, replace } from "./dom.js";
import { startPage } from "./layout.js";
import { criteriaView, designText, powerView } from "./plan-view.js";
import { headline, resultsView } from "./results.js";

const slug = $("#main").dataset.slug;

function showWithdrawn(f) {
  fill(f, $("#withdrawn"));
  $("#withdrawn-at").textContent = ` on ${formatDate(f.withdrawn_at)}`;
  $("#newer-version a").href = `/findings/${f.newer_version}/`;
  $("#newer-version").hidden = !f.newer_version;
  $("#withdrawn").hidden = false;
}

// Printed with their (absolute) address.
const printedLink = (href, text) => el("a.print-url", { href: new URL(href, location.origin) }, text);

function showFinding(f, stages) {
  const c = f.context;
  document.title = `${f.title} – Action research`;
  fill({ ...f, when: [c.academic_year, c.term].filter(Boolean).join(", "), themes: c.themes.join(", "),
    measures: f.plan?.measures.map((m) => m.name).join(", "), design: designText(f.qualitative_enquiry), published: `${formatDate(f.published_at)}, version ${f.version}` }, $("#finding"));
  replace($("#finding-headline"), headline(f));
  // The criteria frozen with the plan; notes, or the free text of findings published before them.
  const notes = [f.plan?.success_notes, f.success_notes, f.success_criteria].find((text) => typeof text === "string" && text);
  replace($("#finding-criteria"), criteriaView(f.plan?.success_criteria), notes && el("p.text", notes));
  if (!$("#finding-criteria").childElementCount) $("#finding-criteria").textContent = "Not written.";
  replace($("#finding-power"), powerView(f.plan?.power) || "Not recorded.");
  // Theory and progress; dissemination's writing has sections of its own.
  replace($("#finding-done"), stages.slice(0, 2).map(({ value, label, field_details }) => [el("h3", label),
    facts([["Session", formatDate(f.stages[value].session_date)], ...field_details.map((d) => [d.label, f.stages[value][d.name]])], "plan")]));
  replace($("#finding-results"), resultsView(f.results, stages, `/api/v1/findings/${slug}/charts`, f.charts));
  replace($("#finding-evidence"), f.evidence.map((e) => el("li", el("strong", e.title), " ", e.file
    ? printedLink(`/api/v1/findings/${slug}/files/${e.file.id}/`, `Download ${e.file.filename}`) : e.link ? printedLink(e.link, e.link) : e.text)));
  $("#finding-evidence-section").hidden = !f.evidence.length;
  $("#finding").hidden = false;
}

async function start() {
  await startPage();
  $("#print-button")?.addEventListener("click", () => print());
  try {
    const [finding, { stages }] = await Promise.all([api(`findings/${slug}/`), taxonomy()]);
    (finding.status === "withdrawn" ? showWithdrawn : showFinding)(finding, stages);
  } catch (error) {
    if (error.status !== 404) return void ($("#finding-loading").textContent = error.detail);
    $("#not-found").hidden = false;
  }
  $("#finding-loading").hidden = true;
}

start();
