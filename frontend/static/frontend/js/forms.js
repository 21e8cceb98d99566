// Showing the API's errors the GOV.UK way: a summary box at the top listing every problem
// (each linking to its field, focused so keyboard and screen-reader users land on it), and
// the message again next to each field. Nothing the user typed is touched.
import { el } from "./dom.js";

/** DRF nests messages for list items ({"0": ["..."]}); flatten to plain sentences. */
export function messages(value) {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(messages);
  if (typeof value === "object") return Object.values(value).flatMap(messages);
  return [String(value)];
}

function controlFor(form, name) {
  return form.querySelector(`fieldset#field-${name}`) || form.elements.namedItem(name);
}

function labelFor(form, control, name) {
  if (control && control.tagName === "FIELDSET") return control.querySelector("legend").textContent.trim();
  const label = control && control.id && form.querySelector(`label[for="${control.id}"]`);
  return label ? label.textContent.trim() : name.replaceAll("_", " ");
}

function focusTarget(control) {
  if (control instanceof RadioNodeList) return control[0];
  if (control.tagName === "FIELDSET") return control.querySelector("input, select, textarea") || control;
  return control;
}

export function clearErrors(form) {
  form.querySelectorAll(".field-error, .error-summary.generated").forEach((node) => node.remove());
  form.querySelectorAll(".field-has-error").forEach((node) => node.classList.remove("field-has-error"));
  form.querySelectorAll("[aria-invalid]").forEach((node) => {
    node.removeAttribute("aria-invalid");
    const describedBy = (node.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-error"));
    if (describedBy.length) node.setAttribute("aria-describedby", describedBy.join(" "));
    else node.removeAttribute("aria-describedby");
  });
}

/** The summary's content: the API's detail, its conditions, then one line per field message. */
export function summaryContent(error, items = []) {
  // DRF's own detail only repeats the field messages; a domain error's detail says more.
  const showDetail = error.code !== "invalid" || !items.length || !items.every((item) => item.linked);
  return [
    el("h2", { class: "error-title" }, "There is a problem"),
    showDetail && el("p", {}, error.detail),
    error.conditions.length > 0 && el("ul", { class: "conditions" }, error.conditions.map((text) => el("li", {}, text))),
    items.length > 0 && el("ul", { class: "error-list" }, items.map((item) => el("li", {},
      item.target
        ? el("a", { href: `#${item.target.id}`, onclick: (event) => { event.preventDefault(); item.target.focus(); } }, item.text)
        : item.text))),
  ];
}

/** Mark every field the API complained about and put a focused summary at the top of `form`. */
export function showErrors(form, error) {
  clearErrors(form);
  const items = [];
  for (const [name, value] of Object.entries(error.errors || {})) {
    const control = controlFor(form, name);
    const texts = messages(value);
    if (!control) {
      texts.forEach((text) => items.push({ text, linked: false }));
      continue;
    }
    const target = focusTarget(control);
    const container = (target.closest && target.closest(".field")) || target.parentElement;
    const errorId = `${target.id || name}-error`;
    container.classList.add("field-has-error");
    const message = el("p", { class: "field-error", id: errorId },
      el("span", { class: "visually-hidden" }, "Error: "), texts.join(" "));
    // After the label and hint, before the control, as GOV.UK does.
    const anchor = container.tagName === "FIELDSET" ? container.querySelector("legend").nextSibling : target;
    if (container.tagName === "FIELDSET") container.insertBefore(message, anchor);
    else target.before(message);
    const describedBy = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    target.setAttribute("aria-describedby", [...describedBy, errorId].join(" "));
    target.setAttribute("aria-invalid", "true");
    const label = labelFor(form, control instanceof RadioNodeList ? target : control, name);
    texts.forEach((text) => items.push({ text: `${label}: ${text}`, target, linked: true }));
  }
  const summary = el("div", { class: "error-summary generated", role: "alert", tabindex: "-1" }, summaryContent(error, items));
  form.prepend(summary);
  summary.focus();
  return summary;
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

/** Disable the submit button while a request is on its way, so nothing is sent twice. */
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
