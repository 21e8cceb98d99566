// Evidence: the list (each with who can see it) and the upload form (a file, a link or a note),
// sent as multipart through XMLHttpRequest so a large file shows its progress.
import { api, upload } from "./api.js";
import { $, announce, el, formatDate, labelOf, muted, options, replace } from "./dom.js";
import { clearErrors, showErrors, whileBusy } from "./forms.js";

const size = (bytes) => (bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} KB` : `${(bytes / 1e6).toFixed(1)} MB`);

function content(item) {
  if (item.download_url) {
    return el("p", {}, el("a", { href: item.download_url, download: item.filename }, `Download ${item.filename}`), ` (${size(item.size)})`);
  }
  if (item.link) return el("p", {}, el("a", { href: item.link, rel: "noopener noreferrer" }, item.link));
  return item.text && el("p", { class: "note" }, item.text);
}

async function renderList(page) {
  const { choices, project } = page;
  const items = await api(`projects/${project.id}/evidence/`);
  const stageLabel = (kind) => labelOf(choices.stages, kind);
  replace($("#evidence-list"), items.length
    ? items.map((item) => el("li", { class: "card evidence" },
      el("h3", { class: "card-title" }, item.title), " ",
      el("span", { class: `tag visibility-${item.visibility}` }, labelOf(choices.visibilities, item.visibility)),
      muted(`${labelOf(choices.evidence_kinds, item.kind)} · ${stageLabel(item.stage)} · added by ${item.uploader} on ${formatDate(item.created_at)}`),
      content(item)))
    : el("li", { class: "muted" }, "No evidence yet."));
}

function showContentField(form) {
  const chosen = form.content.value;
  form.querySelectorAll("[data-content]").forEach((field) => { field.hidden = field.dataset.content !== chosen; });
}

function formData(form) {
  const data = new FormData();
  for (const name of ["stage", "kind", "title", "visibility"]) data.append(name, form.elements.namedItem(name).value);
  const chosen = form.content.value;
  if (chosen === "file" && form.file.files.length) data.append("file", form.file.files[0]);
  if (chosen === "link") data.append("link", form.link.value.trim());
  if (chosen === "text") data.append("text", form.text.value);
  return data;
}

async function submit(page, form) {
  const progress = $("#evidence-progress");
  const bar = $("#evidence-progress-bar");
  bar.value = 0;
  progress.hidden = form.content.value !== "file";
  try {
    await upload(`projects/${page.project.id}/evidence/`, formData(form), (percent) => { bar.value = percent; });
    clearErrors(form);
    const title = form.title.value;
    form.reset();
    setUpForm(page, form);
    announce(`“${title}” has been added.`);
    await renderList(page);
  } catch (error) {
    // The API files "give exactly one of file, link or text" under `file`; show it where the user is.
    const chosen = form.content.value;
    if (chosen !== "file" && error.errors.file) {
      error.errors[chosen] = error.errors.file;
      delete error.errors.file;
    }
    showErrors(form, error);
  } finally {
    progress.hidden = true;
  }
}

function setUpForm(page, form) {
  const { choices, stages } = page;
  const reached = stages.filter((stage) => stage.reached).map((stage) => ({ value: stage.kind, label: stage.label }));
  form.stage.replaceChildren(...options(reached));
  form.stage.value = reached.length ? reached[reached.length - 1].value : "";
  form.kind.replaceChildren(...options(choices.evidence_kinds));
  form.visibility.replaceChildren(...options(choices.visibilities));
  showContentField(form);
}

export async function renderEvidence(page) {
  const form = $("#evidence-form");
  form.hidden = !page.project.permissions.add_evidence;
  if (!form.hidden && !form.dataset.ready) {
    form.dataset.ready = "yes";
    form.addEventListener("change", (event) => { if (event.target.name === "content") showContentField(form); });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      whileBusy(form, () => submit(page, form));
    });
  }
  if (!form.hidden) setUpForm(page, form);
  try {
    await renderList(page);
  } catch (error) {
    replace($("#evidence-list"), el("li", { class: "error-text" }, error.detail));
  }
}
