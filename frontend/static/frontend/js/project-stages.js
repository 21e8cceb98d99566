// Each stage's session (date, attendees) and its own writing. The fields come from the API's
// taxonomy (`stages[].fields`), so a field added there appears here without a change.
import { api } from "./api.js";
import { $, announce, el, formatDate, humanise, muted, replace } from "./dom.js";
import { clearErrors, showErrors, whileBusy } from "./forms.js";

const HINTS = {
  attendees: "One name per line.",
  agreed_question: "The question the group agreed in the session; it may refine the proposal's question.",
  what_did_not_work: "All practice is worth sharing, including what did not work.",
};

function field(kind, name, label, control) {
  const id = `${kind}-${name}`;
  control.id = id;
  control.name = name;
  const hint = HINTS[name] && el("p", { class: "hint", id: `${id}-hint` }, HINTS[name]);
  if (hint) control.setAttribute("aria-describedby", hint.id);
  return el("div", { class: "field" }, el("label", { for: id }, label), hint, control);
}

function stageForm(page, stage, fields) {
  const form = el("form", { class: "stage-form", novalidate: true, "data-stage": stage.kind },
    field(stage.kind, "session_date", "Session date", el("input", { type: "date", value: stage.session_date || "" })),
    field(stage.kind, "attendees", "Attendees", el("textarea", { rows: 4 }, stage.attendees.join("\n"))),
    fields.map((name) => field(stage.kind, name, humanise(name), el("textarea", { rows: 4 }, stage.writing[name] || ""))),
    el("button", { type: "submit", class: "button" }, `Save the ${stage.label.toLowerCase()}`));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(form, () => saveStage(page, stage, fields, form));
  });
  return form;
}

async function saveStage(page, stage, fields, form) {
  const body = {
    session_date: form.session_date.value || null,
    attendees: form.attendees.value.split("\n").map((line) => line.trim()).filter(Boolean),
  };
  for (const name of fields) body[name] = form.elements.namedItem(name).value;
  try {
    await api(`projects/${page.project.id}/stages/${stage.kind}/`, { method: "PATCH", body });
    clearErrors(form);
    // Only the summary: redrawing the stage forms would drop what is typed in the others.
    await page.refreshSummary();
    announce(`${stage.label} saved.`);
  } catch (error) {
    showErrors(form, error);
  }
}

function readOnly(stage, fields) {
  const pairs = [
    ["Session date", formatDate(stage.session_date)],
    ["Attendees", stage.attendees.join(", ")],
    ...fields.map((name) => [humanise(name), stage.writing[name]]),
  ];
  return el("dl", { class: "plan" }, pairs.map(([term, value]) => [el("dt", {}, term), el("dd", {}, value || muted("Not written yet", "span"))]));
}

export function renderStages(page) {
  const fieldsOf = Object.fromEntries(page.choices.stages.map((s) => [s.value, s.fields]));
  replace($("#stages"), page.stages.map((stage) => {
    const fields = fieldsOf[stage.kind] || Object.keys(stage.writing);
    let body = muted("The project has not reached this stage yet.");
    if (stage.reached) body = page.project.permissions.write_stages ? stageForm(page, stage, fields) : readOnly(stage, fields);
    return el("section", { id: `stage-${stage.kind}`, class: "stage", "aria-labelledby": `${stage.kind}-heading` },
      el("h2", { id: `${stage.kind}-heading` }, stage.label), body);
  }));
}
