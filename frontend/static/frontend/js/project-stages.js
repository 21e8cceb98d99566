// Each stage's session and writing; its fields are the taxonomy's field_details.
import { api } from "./api.js";
import { $, announce, el, facts, formatDate, muted, replace } from "./dom.js";
import { clearErrors, onSubmit, showErrors } from "./forms.js";

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

async function saveStage(page, stage, data, form) {
  const body = Object.fromEntries(data);
  body.session_date ||= null;
  body.attendees = body.attendees.split("\n").map((line) => line.trim()).filter(Boolean);
  try {
    await api(`projects/${page.project.id}/stages/${stage.kind}/`, { method: "PATCH", body });
    clearErrors(form);
    // Only the summary: redrawing the forms would drop what is typed in the others.
    await page.refreshSummary();
    announce(`${stage.label} saved.`);
  } catch (error) {
    showErrors(form, error);
  }
}

const readOnly = (stage, details) => facts([
  ["Session date", formatDate(stage.session_date)],
  ["Attendees", stage.attendees.join(", ")],
  ...details.map((d) => [d.label, stage.writing[d.name]]),
].map(([term, value]) => [term, value || muted("Not written yet", "span")]), "plan");

export function renderStages(page) {
  const detailsOf = Object.fromEntries(page.choices.stages.map((s) => [s.value, s.field_details]));
  replace($("#stages"), page.stages.map((stage) => {
    const details = detailsOf[stage.kind] || [];
    let body = muted("The project has not reached this stage yet.");
    if (stage.reached) body = page.project.permissions.write_stages ? stageForm(page, stage, details) : readOnly(stage, details);
    return el("section", { id: `stage-${stage.kind}`, class: "stage", "aria-labelledby": `${stage.kind}-heading` },
      el("h2", { id: `${stage.kind}-heading` }, stage.label), body);
  }));
}
