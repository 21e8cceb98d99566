// A project's page: loads the project (or shows "not found" for anything the API hides),
// then hands each section to its own module. `page` is the state those modules share.
import { api, listAll, taxonomy } from "./api.js";
import { $, announce, el, labelOf, muted, replace } from "./dom.js";
import { startPage } from "./layout.js";
import { renderActions } from "./project-actions.js";
import { renderEvidence } from "./project-evidence.js";
import { renderMembers } from "./project-members.js";
import { renderStages } from "./project-stages.js";
import { renderTimeline } from "./project-timeline.js";

const page = {
  id: Number($("#main").dataset.projectId),
  me: null,
  choices: null,
  project: null,
  stages: [],
  measures: [],
  /** After a change that may move the project on: header, timeline and decisions again. */
  refreshSummary: async () => {
    await fetchProject();
    renderSummary();
  },
  /** After a status change: everything, since what may be written has changed too. */
  refreshAll: async () => {
    await fetchProject();
    renderAll();
  },
};

async function fetchProject() {
  [page.project, page.stages] = await Promise.all([
    api(`projects/${page.id}/`),
    api(`projects/${page.id}/stages/`),
  ]);
}

function facts(list, pairs) {
  replace(list, pairs.filter(([, value]) => value).flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]));
}

function renderHeader() {
  const { project: p, choices } = page;
  document.title = `${p.title} – Action research`;
  $("#project-alliance").textContent = p.alliance.name;
  $("#project-title").textContent = p.title;
  Object.assign($("#project-status"), { textContent: p.status_label, className: `tag tag-${p.status}` });
  const names = (ids, list, key) => ids.map((id) => (list.find((item) => item[key] === id) || { name: id }).name).join(", ");
  facts($("#project-facts"), [
    ["Led by", p.lead.name],
    ["Schools", p.schools.map((s) => s.name).join(", ")],
    ["Subject", p.subject_label],
    ["Phase", p.phase_label],
    ["When", [p.academic_year, labelOf(choices.terms, p.term)].filter(Boolean).join(", ")],
    ["Themes", names(p.themes, choices.themes, "slug")],
  ]);
  facts($("#project-plan"), [
    ["Research question", p.research_question],
    ["Rationale", p.rationale || muted("Not written yet", "span")],
    ["Success criteria", p.success_criteria || muted("Not written yet", "span")],
    ["Measures", names(p.measures, page.measures, "id") || muted("None chosen yet", "span")],
  ]);
}

function renderSummary() {
  renderHeader();
  renderTimeline(page);
  renderActions(page);
}

function renderAll() {
  renderSummary();
  renderStages(page);
  renderMembers(page);
  renderEvidence(page);
}

function showNotFound() {
  // Nothing of the project is ever put in the page: the API told us nothing, and we say nothing.
  $("#project-loading").hidden = true;
  $("#project").remove();
  $("#not-found").hidden = false;
  document.title = "Page not found – Action research";
}

async function start() {
  page.me = await startPage();
  try {
    [page.choices] = await Promise.all([taxonomy(), fetchProject()]);
    page.measures = await listAll("measures/", { alliance: page.project.alliance.id });
  } catch (error) {
    if (error.status === 404) return showNotFound();
    $("#project-loading").textContent = error.detail;
    announce(error.detail);
    return;
  }
  renderAll();
  $("#project-loading").hidden = true;
  $("#project").hidden = false;
}

start();
