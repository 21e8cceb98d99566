// A project's page: loads the project (or shows "not found" for anything the API hides),
// then hands each section to its own module. `page` is the state those modules share.
import { api, listAll, taxonomy } from "./api.js";
import { $, announce, el, labelOf, replace } from "./dom.js";
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

const orNotWritten = (text) => text || el("span", { class: "muted" }, "Not written yet");

function facts(list, pairs) {
  replace(list, pairs.filter(([, value]) => value !== null).flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]));
}

function renderHeader() {
  const { project, choices } = page;
  document.title = `${project.title} – Action research`;
  $("#project-alliance").textContent = project.alliance.name;
  $("#project-title").textContent = project.title;
  const status = $("#project-status");
  status.textContent = project.status_label;
  status.className = `tag tag-${project.status}`;
  const themeNames = project.themes.map((slug) => labelOf(choices.themes.map((t) => ({ value: t.slug, label: t.name })), slug));
  facts($("#project-facts"), [
    ["Led by", project.lead.name],
    ["Schools", project.schools.map((s) => s.name).join(", ") || "None yet"],
    ["Subject", project.subject_label],
    ["Phase", project.phase_label],
    ["When", [project.academic_year, labelOf(choices.terms, project.term)].filter(Boolean).join(", ")],
    ["Themes", themeNames.length ? themeNames.join(", ") : null],
  ]);
  const measureNames = project.measures.map((id) => (page.measures.find((m) => m.id === id) || { name: `Measure ${id}` }).name);
  facts($("#project-plan"), [
    ["Research question", project.research_question],
    ["Rationale", orNotWritten(project.rationale)],
    ["Success criteria", orNotWritten(project.success_criteria)],
    ["Measures", measureNames.length ? measureNames.join(", ") : el("span", { class: "muted" }, "None chosen yet")],
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
