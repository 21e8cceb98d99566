// Evidence: the list (with who may see each) and the form: a file (with progress), a link or a note.
import { api, upload } from "./api.js";
import { $, announce, el, formatDate, labelOf, muted, options, replace } from "./dom.js";
import { clearErrors, onSubmit, showErrors } from "./forms.js";

const size = (bytes) => (bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} KB` : `${(bytes / 1e6).toFixed(1)} MB`);

const content = (item) => (item.download_url
  ? el("p", el("a", { href: item.download_url, download: item.filename }, `Download ${item.filename}`), ` (${size(item.size)})`)
  : item.link ? el("p", el("a", { href: item.link, rel: "noopener noreferrer" }, item.link)) : el("p.note", item.text));

async function renderList({ choices, id }) {
  const items = await api(`projects/${id}/evidence/`);
  replace($("#evidence-list"), items.length ? items.map((item) => el("li.card",
    el("h3.card-title", item.title), " ",
    el("span", { class: `tag visibility-${item.visibility}` }, labelOf(choices.visibilities, item.visibility)),
    muted(`${labelOf(choices.evidence_kinds, item.kind)} · ${labelOf(choices.stages, item.stage)} · added by ${item.uploader} on ${formatDate(item.created_at)}`),
    content(item))) : muted("No evidence yet.", "li"));
}

const showContentField = (form) => form.querySelectorAll("[data-content]").forEach((field) => { field.hidden = field.dataset.content !== form.content.value; });

async function submit(page, form, data) {
  const bar = $("#evidence-progress-bar");
  const chosen = data.get("content");
  // Only the chosen content goes (and no empty file).
  for (const name of ["content", "file", "link", "text"]) if (name !== chosen || data.get(name).size === 0) data.delete(name);
  bar.value = 0;
  bar.parentNode.hidden = chosen !== "file";
  try {
    await upload(`projects/${page.id}/evidence/`, data, (percent) => { bar.value = percent; });
    clearErrors(form);
    announce(`“${form.title.value}” has been added.`);
    form.reset();
    setUpForm(page, form);
    await renderList(page);
  } catch (error) {
    // Given nothing, the API files "exactly one of" under `file`: show it where the user is.
    if (chosen !== "file" && error.errors.file) error.errors = { [chosen]: error.errors.file };
    showErrors(form, error);
  } finally {
    bar.parentNode.hidden = true;
  }
}

function setUpForm({ choices, stageChoices }, form) {
  stageChoices(form.stage);
  form.kind.replaceChildren(...options(choices.evidence_kinds));
  form.visibility.replaceChildren(...options(choices.visibilities));
  showContentField(form);
}

export async function renderEvidence(page) {
  const form = $("#evidence-form");
  if (!(form.hidden = !page.project.permissions.add_evidence)) {
    form.onchange = (event) => event.target.name === "content" && showContentField(form);
    onSubmit(form, (data) => submit(page, form, data));
    setUpForm(page, form);
  }
  await renderList(page).catch((error) => replace($("#evidence-list"), el("li.error-text", error.detail)));
}
