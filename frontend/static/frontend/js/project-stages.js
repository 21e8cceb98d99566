// Each stage's session and writing, one stage at a time (WAI-ARIA tabs); its fields are the taxonomy's field_details.
import { api } from "./api.js";
import { $, el, facts, formatDate, muted, replace } from "./dom.js";
import { clearErrors, feedback, onSubmit, showErrors } from "./forms.js";

const KINDS = ["theory", "progress", "dissemination"];
// The stage a status is at (published findings: dissemination; not started or closed: theory).
const currentKind = (status) => (KINDS.includes(status) ? status : status === "published" ? "dissemination" : "theory");

function field(kind, name, label, control, hintText) {
  const id = `${kind}-${name}`;
  Object.assign(control, { id, name });
  const hint = hintText && el("p.hint", { id: `${id}-hint` }, hintText);
  if (hint) control.setAttribute("aria-describedby", hint.id);
  return el("div.field", el("label", { for: id }, label), hint, control);
}

function stageForm(page, stage, details) {
  const form = el("form.stage-form", { novalidate: true, "data-stage": stage.kind },
    field(stage.kind, "session_date", "Session date", el("input", { type: "date", value: stage.session_date || "" })),
    field(stage.kind, "attendees", "Attendees", el("textarea", { rows: 4 }, stage.attendees.join("\n")), "One name per line."),
    details.map((d) => field(stage.kind, d.name, d.label,
      el("textarea", { rows: 4, maxlength: d.max_length }, stage.writing[d.name] || ""), d.help_text)),
    el("button.button", `Save the ${stage.label.toLowerCase()}`));
  onSubmit(form, (data) => saveStage(page, stage, data, form));
  return form;
}

/** Asked only when the API refuses a date outside the academic year: the group confirms it. */
const confirmOutside = (kind) => el("div.field", { "data-confirm": "" }, el("label.check",
  el("input", { type: "checkbox", name: "confirm_outside_year", id: `${kind}-confirm_outside_year` }),
  " The session really was held outside the academic year"));

async function saveStage(page, stage, data, form) {
  const body = Object.fromEntries(data);
  body.session_date ||= null;
  body.confirm_outside_year = data.has("confirm_outside_year");
  body.attendees = body.attendees.split("\n").map((line) => line.trim()).filter(Boolean);
  const button = form.querySelector("button.button");
  try {
    await api(`projects/${page.project.id}/stages/${stage.kind}/`, { method: "PATCH", body });
    clearErrors(form);
    form.querySelector("[data-confirm]")?.remove();
    // Only the summary: redrawing the forms would drop what is typed in the others.
    await page.refreshSummary();
    feedback(button, `${stage.label} saved.`);
  } catch (error) {
    showErrors(form, error);
    if (error.code === "session_outside_academic_year" && !form.querySelector("[data-confirm]")) {
      form.elements.session_date.closest(".field").after(confirmOutside(stage.kind));
    }
    feedback(button, `Not saved: ${error.detail}`, { error: true });
  }
}

const readOnly = (stage, details) => facts([
  ["Session date", formatDate(stage.session_date)],
  ["Attendees", stage.attendees.join(", ")],
  ...details.map((d) => [d.label, stage.writing[d.name]]),
].map(([term, value]) => [term, value || muted("Not written yet", "span")]), "plan");

/** Show one stage's panel; `focus`: the keyboard moved, so the tab takes focus. The address keeps it. */
function select(tabs, kind, focus) {
  for (const tab of tabs) {
    const chosen = tab.dataset.kind === kind;
    tab.setAttribute("aria-selected", `${chosen}`);
    tab.tabIndex = chosen ? 0 : -1;
    $(`#stage-${tab.dataset.kind}`).hidden = !chosen;
    if (chosen && focus) tab.focus();
  }
}

function tabList(stages, open) {
  const tabs = stages.map((stage) => el("button", { type: "button", role: "tab", id: `tab-${stage.kind}`, "data-kind": stage.kind,
    "aria-controls": `stage-${stage.kind}` }, stage.label));
  const choose = (kind, focus) => {
    select(tabs, kind, focus);
    history.replaceState(null, "", `#stage-${kind}`);
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => choose(tab.dataset.kind));
    tab.addEventListener("keydown", (event) => {
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      choose(tabs[(to + tabs.length) % tabs.length].dataset.kind, true);
    });
  });
  return [el("div", { role: "tablist", "aria-label": "Stages" }, tabs), () => select(tabs, open)];
}

/** The stages as tabs: the one in the address (#stage-progress) on first drawing, else the current stage. */
export function renderStages(page) {
  const detailsOf = Object.fromEntries(page.choices.stages.map((s) => [s.value, s.field_details]));
  const asked = !page.stagesDrawn && location.hash.match(/^#stage-(\w+)$/)?.[1];
  page.stagesDrawn = true;
  const [list, openFirst] = tabList(page.stages, KINDS.includes(asked) ? asked : currentKind(page.project.status));
  replace($("#stages"), list, page.stages.map((stage) => {
    const details = detailsOf[stage.kind] || [];
    let body = muted("The project has not reached this stage yet.");
    if (stage.reached) body = page.project.permissions.write_stages ? stageForm(page, stage, details) : readOnly(stage, details);
    return el("section", { id: `stage-${stage.kind}`, class: "stage", role: "tabpanel", tabindex: "0",
      "aria-labelledby": `tab-${stage.kind}` }, el("h2", { id: `${stage.kind}-heading` }, stage.label), body);
  }));
  openFirst();
}
