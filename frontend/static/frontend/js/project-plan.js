// The plan (question, rationale, design, success criteria, planned numbers): shown to all, edited by those who
// may edit the plan; after the freeze a save is recorded as a new revision (with the reason given).
// Each criterion's controls are named as the API names its errors (success_criteria[1].score).
import { api } from "./api.js";
import { $, announce, el, options, replace } from "./dom.js";
import { clearErrors, feedback, onSubmit, showErrors } from "./forms.js";
import { criteriaView, powerView } from "./plan-view.js";

const PERCENT = "percent_at_or_above";
const STATISTICS = [["effect_size", "Effect size (SD)"], ["mean_change", "Mean change (scale points)"],
  [PERCENT, "Percentage at or above a score"]];
const COMPARISONS = [[">=", "At least"], ["<=", "At most"]];
const SUBGROUPS = [["", "All pupils"], ["disadvantaged", "Disadvantaged pupils"], ["send", "Pupils with SEND"],
  ["eal", "Pupils with EAL"]];
const NUMBERS = ["planned_pupils_per_group", "planned_schools", "assumed_icc", "pre_post_correlation"];
const TEXTS = ["research_question", "rationale", "success_notes"];

const choices = (pairs) => pairs.map(([value, label]) => ({ value, label }));

function select(pairs, value, blank) {
  const node = el("select", options(choices(pairs), blank));
  node.value = value ?? "";
  return node;
}

const number = (value) => el("input", { type: "number", step: "any", inputmode: "decimal", value: value ?? "" });

function field(name, label, control, hint) {
  const id = `plan-${name.replace(/\W+/g, "-")}`;
  Object.assign(control, { id, name });
  const help = hint && el("p.hint", { id: `${id}-hint` }, hint);
  if (help) control.setAttribute("aria-describedby", help.id);
  return el("div.field", el("label", { for: id }, label), help, control);
}

function criterionRow(form, measures, c, i) {
  const name = (key) => `success_criteria[${i}].${key}`;
  // The number is read out (and shown in the error summary), so "Threshold" says which one.
  const label = (text) => [text, el("span.visually-hidden", ` (criterion ${i + 1})`)];
  const statistic = select(STATISTICS, c.statistic || "effect_size");
  const score = field(name("score"), label("Score"), number(c.score), "Pupils scoring this or more count.");
  const showScore = () => { score.hidden = statistic.value !== PERCENT; };
  statistic.addEventListener("change", showScore);
  showScore();
  return el("fieldset.criterion", el("legend", `Criterion ${i + 1}`),
    el("div.field-row",
      field(name("measure"), label("Measure"), select(measures, `${c.measure ?? ""}`, "Choose a measure")),
      field(name("statistic"), label("Statistic"), statistic),
      field(name("comparison"), label("Comparison"), select(COMPARISONS, c.comparison || ">=")),
      field(name("threshold"), label("Threshold"), number(c.threshold), "SD, points or % of pupils."),
      score,
      field(name("subgroup"), label("Pupils"), select(SUBGROUPS, c.subgroup || ""))),
    el("button.button.secondary", { type: "button", onclick: () => {
      change(form, measures, (list) => list.splice(i, 1));
      announce(`Criterion ${i + 1} removed.`);
    } }, `Remove criterion ${i + 1}`));
}

const toNumber = (value) => (value === "" ? null : Number(value));

/** The criteria as typed, in the API's shape. */
function readCriteria(form) {
  return [...form.querySelectorAll(".criterion")].map((_, i) => {
    const value = (key) => form.elements[`success_criteria[${i}].${key}`].value;
    const statistic = value("statistic");
    return { measure: toNumber(value("measure")), statistic, comparison: value("comparison"),
      threshold: toNumber(value("threshold")), subgroup: value("subgroup") || null,
      ...(statistic === PERCENT && { score: toNumber(value("score")) }) };
  });
}

function drawCriteria(form, measures, criteria) {
  replace($("#criteria-rows"), criteria.map((c, i) => criterionRow(form, measures, c, i)));
}

/** Add or remove a row: redraw from what is typed; focus the new row, or the add button. */
function change(form, measures, edit, added) {
  const criteria = readCriteria(form);
  edit(criteria);
  drawCriteria(form, measures, criteria);
  ((added && form.querySelector(".criterion:last-child select")) || $("#criterion-add")).focus();
}

function fillForm(project, form, measures) {
  drawCriteria(form, measures, project.success_criteria);
  for (const name of TEXTS) form.elements[name].value = project[name];
  form.elements.qualitative_enquiry.checked = project.qualitative_enquiry;
  for (const name of NUMBERS) form.elements[name].value = project[name] ?? "";
  form.elements.revision_reason.value = "";
  replace($("#plan-power-preview"), powerView(project.power));
}

async function save(page, form, measures) {
  const value = (name) => form.elements[name].value;
  const body = { success_criteria: readCriteria(form), revision_reason: value("revision_reason"),
    qualitative_enquiry: form.elements.qualitative_enquiry.checked, ...Object.fromEntries(TEXTS.map((name) => [name, value(name)])),
    ...Object.fromEntries(NUMBERS.map((name) => [name, toNumber(value(name))])) };
  const button = form.querySelector("button[type=submit]");
  const frozen = !["proposed", "theory"].includes(page.project.status);
  try {
    await api(`projects/${page.id}/`, { method: "PATCH", body });
    clearErrors(form);
    await page.refreshSummary();
    fillForm(page.project, form, measures);
    feedback(button, frozen ? "Plan saved, as a new revision of the frozen plan." : "Plan saved.");
  } catch (error) {
    showErrors(form, error);
    feedback(button, `Not saved: ${error.detail}`, { error: true });
  }
}

/** What everyone sees in the plan (called with every summary). */
export function showPlan(project) {
  replace($("#plan-criteria"), criteriaView(project.success_criteria, "None agreed yet"));
  replace($("#plan-power"), powerView(project.power));
}

/** The editor, for those who may edit the plan. */
export function renderPlanForm(page) {
  const { project } = page;
  const form = $("#plan-form");
  form.hidden = !project.permissions.edit;
  if (form.hidden) return;
  const measures = project.measure_details.map((m) => [`${m.id}`, m.name]);
  $("#plan-frozen").hidden = $("#plan-reason-field").hidden = ["proposed", "theory"].includes(project.status);
  fillForm(project, form, measures);
  $("#criterion-add").onclick = () => change(form, measures, (list) => list.push({}), true);
  onSubmit(form, () => save(page, form, measures));
}
