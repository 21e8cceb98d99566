// Proposing a research question. What the teacher types is kept in localStorage as they go,
// so a reload, a crash or a failed save never loses it; it is cleared once the proposal is in.
import { api, listAll, taxonomy } from "./api.js";
import { $, announce, el, muted, options } from "./dom.js";
import { clearErrors, showErrors, whileBusy } from "./forms.js";
import { startPage } from "./layout.js";

const form = $("#propose-form");
const LIST_FIELDS = ["themes", "measures"];
let draftKey = "propose-draft";

function currentAcademicYear(today = new Date()) {
  // The English school year starts in September.
  const start = today.getMonth() >= 8 ? today.getFullYear() : today.getFullYear() - 1;
  return `${start}/${String((start + 1) % 100).padStart(2, "0")}`;
}

function checkboxes(container, name, choices) {
  container.replaceChildren(...choices.map((choice) => {
    const id = `${name}-${choice.value}`;
    return el("div", { class: "checkbox" },
      el("input", { type: "checkbox", id, name, value: choice.value }),
      el("label", { for: id }, choice.label));
  }));
}

function readForm() {
  const data = new FormData(form);
  const values = Object.fromEntries(data);
  for (const name of LIST_FIELDS) values[name] = data.getAll(name);
  return values;
}

function writeForm(values) {
  for (const [name, value] of Object.entries(values)) {
    if (LIST_FIELDS.includes(name)) {
      form.querySelectorAll(`[name="${name}"]`).forEach((box) => { box.checked = value.includes(box.value); });
    } else if (form.elements[name]) {
      form.elements[name].value = value;
    }
  }
}

function loadDraft() {
  try {
    return JSON.parse(localStorage.getItem(draftKey));
  } catch {
    return null;  // an unreadable draft: start afresh
  }
}

const saveDraft = () => localStorage.setItem(draftKey, JSON.stringify(readForm()));

async function loadMeasures(allianceId, checked = []) {
  const measures = allianceId ? await listAll("measures/", { alliance: allianceId }) : [];
  checkboxes($("#measures-options"), "measures", measures.map((m) => ({ value: String(m.id), label: `${m.name} (${m.kind}, ${m.scale_min}–${m.scale_max})` })));
  if (!measures.length) {
    $("#measures-options").append(muted(allianceId ? "This alliance has no measures yet; its lead adds them." : "Choose an alliance to see its measures."));
  }
  writeForm({ measures: checked });
}

/** The API's body: numbers where it wants ids; required choices left out when empty so it says "required". */
function proposal(values) {
  const body = { ...values, measures: values.measures.map(Number) };
  for (const name of ["alliance", "subject", "phase"]) if (!body[name]) delete body[name];
  if (body.alliance) body.alliance = Number(body.alliance);
  return body;
}

async function submit() {
  const values = readForm();
  saveDraft();
  try {
    const project = await api("projects/", { method: "POST", body: proposal(values) });
    localStorage.removeItem(draftKey);
    location.assign(`/projects/${project.id}/`);
  } catch (error) {
    showErrors(form, error);
  }
}

async function start() {
  const me = await startPage({ signedIn: true });
  if (!me) return;
  draftKey = `propose-draft:${me.id}`;  // one draft per person on a shared school laptop
  if (!me.memberships.length) {
    form.replaceWith(el("p", {}, "You are not in an alliance yet, so you cannot propose a project. Ask your alliance lead to add you."));
    return;
  }
  const choices = await taxonomy();
  const alliances = me.memberships.map((m) => ({ value: String(m.alliance.id), label: m.alliance.name }));
  form.alliance.append(...options(alliances, alliances.length > 1 ? "Choose an alliance" : undefined));
  form.subject.append(...options(choices.subjects, "Choose a subject"));
  form.phase.append(...options(choices.phases, "Choose a phase"));
  form.term.append(...options(choices.terms, "Not decided yet"));
  checkboxes($("#themes-options"), "themes", choices.themes.map((t) => ({ value: t.slug, label: t.name })));
  const draft = loadDraft();
  writeForm(draft || { academic_year: currentAcademicYear() });
  await loadMeasures(form.alliance.value, draft ? draft.measures : []);
  form.removeAttribute("aria-busy");
  if (draft) announce("Your unsent proposal has been restored.");

  form.addEventListener("input", saveDraft);
  form.addEventListener("change", (event) => {
    if (event.target.name === "alliance") loadMeasures(form.alliance.value).then(saveDraft);
    else saveDraft();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(form, submit);
  });
  $("#clear-draft").addEventListener("click", async () => {
    localStorage.removeItem(draftKey);
    form.reset();
    clearErrors(form);
    writeForm({ academic_year: currentAcademicYear() });
    await loadMeasures(form.alliance.value);
    announce("The form has been cleared.");
  });
}

start();
