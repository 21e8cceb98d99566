// A project's page (or "not found" for anything the API hides), a module per section.
import { api, taxonomy } from "./api.js";
import { $, announce, el, fill, formatDate, labelOf, list, muted, options, replace } from "./dom.js";
import { feedback } from "./forms.js";
import { startPage } from "./layout.js";
import { renderEvidence } from "./project-evidence.js";
import { renderMembers } from "./project-members.js";
import { renderOutcomes } from "./project-outcomes.js";
import { designText } from "./plan-view.js";
import { renderPlanForm, showPlan } from "./project-plan.js";
import { renderStages } from "./project-stages.js";
import { chartList, resultsView } from "./results.js";
import { transitionButton } from "./transitions.js";

const page = {
  id: Number($("#main").dataset.projectId),
  refreshSummary: () => fetchProject().then(renderSummary),
  // After a status change, all: what may be written has changed.
  refreshAll: () => fetchProject().then(renderAll),
  refreshResults: renderResults,
  /** A stage <select>: the stages reached so far, the latest chosen. */
  stageChoices: (select) => {
    const reached = page.stages.filter((s) => s.reached);
    select.replaceChildren(...options(reached.map((s) => ({ value: s.kind, label: s.label }))));
    select.value = reached.at(-1)?.kind;
  },
};

async function fetchProject() {
  [page.project, page.stages] = await Promise.all([api(`projects/${page.id}/`), api(`projects/${page.id}/stages/`)]);
}

/** The stages, and what the guards still need before the next step (next_step.unmet). */
function renderTimeline({ status, status_label: statusLabel, next_step: step }, stages) {
  const current = ["theory", "progress", "dissemination", "published"].indexOf(status);
  replace($("#timeline"), stages.map((stage, i) => {
    const [state, label] = i < current ? ["done", "Complete"] : i === current ? ["current", "Current stage"]
      : ["pending", status === "proposed" ? "Starts when the proposal is accepted" : current < 0 ? "Not reached" : "Not reached yet"];
    return el("li", { class: `step step-${state}`, "aria-current": state === "current" && "step" },
      el("span.step-name", stage.label), el("span.step-state", label),
      stage.session_date && muted(`Session: ${formatDate(stage.session_date)}`, "span"));
  }));
  const target = step?.action === "publish" ? "publishing the findings" : `moving on to the ${stages[current + 1]?.label.toLowerCase()}`;
  const [heading, text] = !step ? ["Where it stands", `This project is ${statusLabel.toLowerCase()}.`] : step.action === "accept"
    ? ["Next step", "The alliance lead accepts or declines the proposal."]
    : ["What is needed to move on", step.unmet.length ? `Still needed before ${target}:` : `Everything needed is in place for ${target}.`];
  replace($("#next-step"), el("h3", heading), el("p", text),
    step?.unmet.length > 0 && list(step.unmet, { id: "unmet-conditions", class: "conditions" }));
}

function renderSummary() {
  const { project: p, choices } = page;
  const names = (items) => items.map((item) => item.name).join(", ");
  document.title = `${p.title} – Action research`;
  fill({ ...p, school_names: names(p.schools), theme_names: names(choices.themes.filter((t) => p.themes.includes(t.slug))),
    when: [p.academic_year, labelOf(choices.terms, p.term)].filter(Boolean).join(", "), measure_names: names(p.measure_details),
    design: designText(p.qualitative_enquiry) }, $("#project"));
  $("#read-only").hidden = !p.writing_locked;
  $("#project-status").className = `tag tag-${p.status}`;
  showPlan(p);
  renderTimeline(p, page.stages);
  $("#actions").hidden = !p.permissions.actions.length;
  replace($("#action-buttons"), p.permissions.actions.map((action) => transitionButton(p, action, { errorBox: $("#action-error"),
    feedbackBox: $("#action-feedback"), onDone: page.refreshAll })));
}

/** Follow, or stop: a followed project's news shows on the dashboard. */
async function renderFollow() {
  const button = $("#follow-button");
  let mine = (await api("follows/")).find((f) => f.kind === "project" && f.target_id === page.id);
  const label = () => { button.textContent = mine ? "Stop following this project" : "Follow this project"; };
  button.onclick = async () => {
    try {
      mine = mine ? void await api(`follows/${mine.id}/`, { method: "DELETE" })
        : await api("follows/", { method: "POST", body: { kind: "project", target_id: page.id } });
      label();
      feedback(button, mine ? "You follow this project: its news appears on your dashboard." : "You no longer follow this project.");
    } catch (error) {
      feedback(button, error.detail, { error: true });
    }
  };
  label();
  button.hidden = false;
}

async function renderResults() {
  const results = await api(`projects/${page.id}/results/`);
  $("#results").hidden = !results.measures.length || ["proposed", "declined"].includes(page.project.status);
  replace($("#results-body"), resultsView(results, page.choices.stages, `/api/v1/projects/${page.id}/charts`, chartList(results)));
}

function renderAll() {
  renderSummary();
  renderStages(page);
  renderPlanForm(page);
  renderMembers(page);
  renderEvidence(page);
  Promise.all([renderOutcomes(page), renderResults(), page.me && renderFollow()]).catch((error) => announce(error.detail))
    .then(showContents);
}

/** "On this page": only the parts this reader has. */
function showContents() {
  for (const link of document.querySelectorAll(".contents a")) {
    link.parentElement.hidden = !!$(link.getAttribute("href"))?.closest("[hidden]");
  }
}

async function start() {
  page.me = await startPage();
  try {
    [page.choices] = await Promise.all([taxonomy(), fetchProject()]);
  } catch (error) {
    if (error.status !== 404) return announce($("#project-loading").textContent = error.detail);
    // The API told us nothing of the project, and we say nothing.
    $("#project").remove();
    $("#not-found").hidden = false;
    document.title = "Page not found – Action research";
  }
  $("#project-loading").hidden = true;
  if (page.project) {
    renderAll();
    $("#project").hidden = false;
  }
}

start();
