// Proposing a question. What is typed stays in localStorage until sent: nothing is lost.
import { api, listAll, taxonomy } from "./api.js";
import { $, announce, el, muted, options } from "./dom.js";
import { clearErrors, onSubmit, showErrors } from "./forms.js";
import { startPage } from "./layout.js";

const form = $("#propose-form");
const LISTS = ["themes", "measures"];
let draftKey;

function academicYear(today = new Date()) { // the English school year starts in September
  const start = today.getFullYear() - (today.getMonth() < 8);
  return `${start}/${String((start + 1) % 100).padStart(2, "0")}`;
}

const checkboxes = (container, name, choices) => container.replaceChildren(...choices.map(({ value, label }) =>
  el("div.checkbox", el("input", { type: "checkbox", id: `${name}-${value}`, name, value }), el("label", { for: `${name}-${value}` }, label))));

function readForm() {
  const data = new FormData(form);
  return { ...Object.fromEntries(data), ...Object.fromEntries(LISTS.map((name) => [name, data.getAll(name)])) };
}

function writeForm(values) {
  for (const [name, value] of Object.entries(values)) {
    if (LISTS.includes(name)) form.querySelectorAll(`[name="${name}"]`).forEach((box) => { box.checked = value.includes(box.value); });
    else if (form.elements[name]) form.elements[name].value = value;
  }
}

function loadDraft() {
  try {
    return JSON.parse(localStorage.getItem(draftKey));
  } catch {} // unreadable: start afresh
}

const saveDraft = () => localStorage.setItem(draftKey, JSON.stringify(readForm()));

async function loadMeasures(alliance, checked = []) {
  const measures = alliance ? await listAll("measures/", { alliance }) : [];
  checkboxes($("#measures-options"), "measures", measures.map((m) => ({ value: `${m.id}`, label: `${m.name} (${m.kind}, ${m.scale_min}–${m.scale_max})` })));
  if (!measures.length) $("#measures-options").append(muted(alliance ? "This alliance has no measures yet; its lead adds them." : "Choose an alliance to see its measures."));
  writeForm({ measures: checked });
}

async function submit() {
  saveDraft();
  // Ids as numbers; empty required choices left out, so the API says "required".
  const body = { ...readForm() };
  body.measures = body.measures.map(Number);
  for (const name of ["alliance", "subject", "phase"]) if (!body[name]) delete body[name];
  if (body.alliance) body.alliance = Number(body.alliance);
  try {
    const project = await api("projects/", { method: "POST", body });
    localStorage.removeItem(draftKey);
    location.assign(`/projects/${project.id}/`);
  } catch (error) {
    showErrors(form, error);
  }
}

async function start() {
  const me = await startPage({ signedIn: true });
  if (!me) return;
  draftKey = `propose-draft:${me.id}`; // one draft per person on a shared school laptop
  if (!me.memberships.length) {
    form.remove();
    return void ($("#no-alliance").hidden = false);
  }
  const choices = await taxonomy();
  const alliances = me.memberships.map((m) => ({ value: `${m.alliance.id}`, label: m.alliance.name }));
  form.alliance.append(...options(alliances, alliances.length > 1 && "Choose an alliance"));
  form.subject.append(...options(choices.subjects, "Choose a subject"));
  form.phase.append(...options(choices.phases, "Choose a phase"));
  form.term.append(...options(choices.terms, "Not decided yet"));
  checkboxes($("#themes-options"), "themes", choices.themes.map((t) => ({ value: t.slug, label: t.name })));
  const fill = async (draft) => {
    form.reset();
    clearErrors(form);
    writeForm(draft || { academic_year: academicYear() });
    await loadMeasures(form.alliance.value, draft?.measures);
  };
  const draft = loadDraft();
  await fill(draft);
  form.removeAttribute("aria-busy");
  if (draft) announce("Your unsent proposal has been restored.");

  form.addEventListener("input", saveDraft);
  form.addEventListener("change", (event) => (event.target.name === "alliance" ? loadMeasures(form.alliance.value).then(saveDraft) : saveDraft()));
  onSubmit(form, submit);
  $("#clear-draft").addEventListener("click", async () => {
    localStorage.removeItem(draftKey);
    await fill();
    announce("The form has been cleared.");
  });
}

start();
