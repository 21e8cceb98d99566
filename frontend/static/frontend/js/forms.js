// Showing the API's errors the GOV.UK way: a summary box at the top listing every problem
// (each linking to its field, focused so keyboard and screen-reader users land on it), and
// the message again next to each field. Nothing the user typed is touched.
import { el } from "./dom.js";

/** DRF nests messages for list items ({"0": ["..."]}); flatten to plain sentences. */
export function messages(value) {
  if (value === null || value === undefined) return [];
  if (typeof value === "object") return Object.values(value).flatMap(messages);
  return [String(value)];
}

/** The control to mark and focus for a field name: a checkbox group's first box, or the control. */
function controlFor(form, name) {
  const group = form.querySelector(`fieldset#field-${name}`);
  if (group) return [group.querySelector("input") || group, group.querySelector("legend").textContent];
  const control = form.elements.namedItem(name);
  if (!control) return [null, name];
  const target = control instanceof RadioNodeList ? control[0] : control;
  const label = target.id && form.querySelector(`label[for="${target.id}"]`);
  return [target, label ? label.textContent : name.replaceAll("_", " ")];
}

export function clearErrors(form) {
  form.querySelectorAll(".field-error, .error-summary.generated").forEach((node) => node.remove());
  form.querySelectorAll(".field-has-error").forEach((node) => node.classList.remove("field-has-error"));
  form.querySelectorAll("[aria-invalid]").forEach((node) => {
    node.removeAttribute("aria-invalid");
    const ids = node.getAttribute("aria-describedby").split(" ").filter((id) => !id.endsWith("-error")).join(" ");
    if (ids) node.setAttribute("aria-describedby", ids);
    else node.removeAttribute("aria-describedby");
  });
}

/** The summary's content: the API's detail, its conditions, then one line per field message. */
function summaryContent(error, items = []) {
  // DRF's detail only repeats the field messages; a domain error's detail says more.
  const showDetail = error.code !== "invalid" || !items.length || items.some((item) => !item.target);
  const focus = (target) => (event) => { event.preventDefault(); target.focus(); };
  return [
    el("h2", { class: "error-title" }, "There is a problem"),
    showDetail && el("p", {}, error.detail),
    error.conditions.length > 0 && el("ul", { class: "conditions" }, error.conditions.map((text) => el("li", {}, text))),
    items.length > 0 && el("ul", { class: "error-list" }, items.map(({ text, target }) => el("li", {},
      target ? el("a", { href: `#${target.id}`, onclick: focus(target) }, text) : text))),
  ];
}

/** Mark every field the API complained about and put a focused summary at the top of `form`. */
export function showErrors(form, error) {
  clearErrors(form);
  const items = [];
  for (const [name, value] of Object.entries(error.errors)) {
    const texts = messages(value);
    const [target, label] = controlFor(form, name);
    if (!target) {
      items.push(...texts.map((text) => ({ text })));
      continue;
    }
    const field = target.closest(".field") || target.parentElement;
    const errorId = `${target.id || name}-error`;
    field.classList.add("field-has-error");
    // After the label and hint, just before the control (or the group's options), as GOV.UK does.
    const before = field.querySelector(".checkboxes") || target;
    before.before(el("p", { class: "field-error", id: errorId }, el("span", { class: "visually-hidden" }, "Error: "), texts.join(" ")));
    target.setAttribute("aria-describedby", `${target.getAttribute("aria-describedby") || ""} ${errorId}`.trim());
    target.setAttribute("aria-invalid", "true");
    items.push(...texts.map((text) => ({ text: `${label.trim()}: ${text}`, target })));
  }
  const summary = el("div", { class: "error-summary generated", role: "alert", tabindex: "-1" }, summaryContent(error, items));
  form.prepend(summary);
  summary.focus();
}

/** An error shown in a fixed box (not a form): the detail and the conditions, focused. */
export function showErrorBox(box, error) {
  box.replaceChildren(...summaryContent(error).filter(Boolean));
  box.hidden = false;
  box.focus();
}

export function hideErrorBox(box) {
  box.hidden = true;
  box.replaceChildren();
}

/** Disable the form's buttons while a request is on its way, so nothing is sent twice. */
export async function whileBusy(form, work) {
  const buttons = form.querySelectorAll("button");
  buttons.forEach((button) => { button.disabled = true; });
  form.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    buttons.forEach((button) => { button.disabled = false; });
    form.removeAttribute("aria-busy");
  }
}
