// Evidence: the list (with who may see each; its uploader or the project lead edit and delete it) and the
// form: a file (with progress), a link or a note.
import { api, upload } from "./api.js";
import { $, el, formatDate, labelOf, muted, options, replace } from "./dom.js";
import { clearErrors, feedback, onSubmit, say, showErrors } from "./forms.js";
import { ask } from "./transitions.js";

const size = (bytes) => (bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} KB` : `${(bytes / 1e6).toFixed(1)} MB`);

const content = (item) => (item.download_url
  ? el("p", el("a", { href: item.download_url, download: item.filename }, `Download ${item.filename}`), ` (${size(item.size)})`)
  : item.link ? el("p", el("a", { href: item.link, rel: "noopener noreferrer" }, item.link)) : el("p.note", item.text));

function labelled(id, name, label, control) {
  Object.assign(control, { id: `${id}-${name}`, name });
  return el("div.field", el("label", { for: control.id }, label), control);
}

/** The item's edit form, in its card: title, kind, who can see it, and its link or note. */
function editForm(page, item, card) {
  const id = `evidence-${item.id}-edit`;
  const select = (choices, value) => Object.assign(el("select", options(choices)), { value });
  const form = el("form.panel", { novalidate: true, id },
    labelled(id, "title", "Title", el("input", { value: item.title, maxlength: 200 })),
    labelled(id, "kind", "Kind", select(page.choices.evidence_kinds, item.kind)),
    labelled(id, "visibility", "Who can see it", select(page.choices.visibilities, item.visibility)),
    item.link && labelled(id, "link", "Link", el("input", { type: "url", value: item.link })),
    !item.link && !item.download_url && labelled(id, "text", "Note", el("textarea", { rows: 4 }, item.text)),
    el("div.actions", el("button.button", `Save “${item.title}”`),
      el("button.button.secondary", { type: "button", onclick: () => { form.remove(); card.querySelector("[data-edit]").focus(); } }, "Cancel")));
  onSubmit(form, async (data) => {
    try {
      const saved = await api(`projects/${page.id}/evidence/${item.id}/`, { method: "PATCH", body: Object.fromEntries(data) });
      await renderList(page);
      say($("#evidence-feedback"), `“${saved.title}” saved.`, { focus: true });
    } catch (error) {
      showErrors(form, error);
      feedback(form.querySelector(".actions .button"), `Not saved: ${error.detail}`, { error: true });
    }
  });
  return form;
}

async function remove(page, item, button) {
  const yes = await ask(`Delete “${item.title}”?`, "It is removed for everyone; who deleted it, and when, is recorded.", "Delete", false);
  if (yes === null) return;
  try {
    await api(`projects/${page.id}/evidence/${item.id}/`, { method: "DELETE" });
    await renderList(page);
    say($("#evidence-feedback"), `“${item.title}” has been deleted.`, { focus: true });
  } catch (error) {
    feedback(button, `Not deleted: ${error.detail}`, { error: true });
  }
}

/** Edit and delete, for its uploader or the project lead (can_change), named for screen readers' button lists. */
function changeButtons(page, item, card) {
  if (!item.can_change) return null;
  const edit = el("button.button.secondary", { type: "button", "data-edit": "", onclick: () => {
    const form = card.querySelector("form") || card.appendChild(editForm(page, item, card));
    form.elements.title.focus();
  } }, "Edit", el("span.visually-hidden", ` “${item.title}”`));
  const del = el("button.button.warning", { type: "button", onclick: () => remove(page, item, del) },
    "Delete", el("span.visually-hidden", ` “${item.title}”`));
  return el("div.actions", edit, del);
}

async function renderList(page) {
  const { choices, id } = page;
  const items = await api(`projects/${id}/evidence/`);
  replace($("#evidence-list"), items.length ? items.map((item) => {
    const card = el("li.card",
      el("h3.card-title", item.title), " ",
      el("span", { class: `tag visibility-${item.visibility}` }, labelOf(choices.visibilities, item.visibility)),
      muted(`${labelOf(choices.evidence_kinds, item.kind)} · ${labelOf(choices.stages, item.stage)} · added by ${item.uploader} on ${formatDate(item.created_at)}`),
      content(item));
    card.append(changeButtons(page, item, card) || "");
    return card;
  }) : muted("No evidence yet.", "li"));
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
    feedback(form.querySelector("button[type=submit]"), `“${form.title.value}” has been added.`);
    form.reset();
    setUpForm(page, form);
    await renderList(page);
  } catch (error) {
    // Given nothing, the API files "exactly one of" under `file`: show it where the user is.
    if (chosen !== "file" && error.errors.file) error.errors = { [chosen]: error.errors.file };
    showErrors(form, error);
    feedback(form.querySelector("button[type=submit]"), `Not added: ${error.detail}`, { error: true });
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
