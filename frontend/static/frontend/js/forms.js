// The API's errors, GOV.UK style: a focused summary linking to each field; messages beside them.
import { el, list, replace } from "./dom.js";

/** DRF nests list items' messages ({"0": [...]}): flatten them. */
const messages = (value) => (value && typeof value === "object" ? Object.values(value).flatMap(messages) : [`${value}`]);

/** The control to mark and its label (a checkbox group's first box). */
function controlFor(form, name) {
  const group = form.querySelector(`fieldset#field-${CSS.escape(name)}`); // names like success_criteria[1].score
  if (group) return [group.querySelector("input"), group.querySelector("legend").textContent];
  const control = form.elements.namedItem(name);
  const target = control instanceof RadioNodeList ? control[0] : control;
  return [target, target?.labels[0]?.textContent || name.replaceAll("_", " ")];
}

export function clearErrors(form) {
  form.querySelectorAll(".field-error, .error-summary.generated").forEach((node) => node.remove());
  form.querySelectorAll(".field-has-error").forEach((node) => node.classList.remove("field-has-error"));
  form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
}

/** The API's detail (unless it repeats the field messages), conditions, field messages. */
const summary = (error, items = []) => [
  el("h2.error-title", "There is a problem"),
  (error.code !== "invalid" || !items.length || items.some((item) => !item.target)) && el("p", error.detail),
  error.conditions.length > 0 && list(error.conditions, { class: "conditions" }),
  items.length > 0 && el("ul.error-list", items.map(({ text, target }) => el("li", target
    ? el("a", { href: `#${target.id}`, onclick: (event) => { event.preventDefault(); target.focus(); } }, text) : text))),
];

export function showErrors(form, error) {
  clearErrors(form);
  const items = Object.entries(error.errors).flatMap(([name, value]) => {
    const texts = messages(value);
    const [target, label] = controlFor(form, name);
    if (!target) return texts.map((text) => ({ text }));
    const field = target.closest(".field") || target.parentElement;
    const id = `${target.id}-error`;
    field.classList.add("field-has-error");
    // After the label and hint, before the control (or the options), as GOV.UK does.
    (field.querySelector(".checkboxes") || target).before(el("p.field-error", { id }, el("span.visually-hidden", "Error: "), texts.join(" ")));
    const described = target.getAttribute("aria-describedby") || "";
    if (!described.includes(id)) target.setAttribute("aria-describedby", `${described} ${id}`.trim());
    target.setAttribute("aria-invalid", "true");
    return texts.map((text) => ({ text: `${label.trim()}: ${text}`, target }));
  });
  const box = el("div.error-summary.generated", { role: "alert", tabindex: "-1" }, summary(error, items));
  form.prepend(box);
  box.focus();
}

export function showErrorBox(box, error) {
  replace(box, summary(error)).hidden = false;
  box.focus();
}


/** On submit (bound once), `work(formData)` with the buttons disabled: nothing goes twice. A page's own
 * form comes with its buttons disabled (data-until-bound) until now: a click before this script ran would
 * have sent the form the browser's way, its fields (a password) in the address. */
export function onSubmit(form, work) {
  if (form.dataset.bound) return;
  form.dataset.bound = "yes";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form, event.submitter); // before disabling: the submitter counts
    const buttons = form.querySelectorAll("button");
    buttons.forEach((button) => { button.disabled = true; });
    try {
      await work(data);
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  });
  form.querySelectorAll("[data-until-bound]").forEach((button) => {
    button.disabled = false;
    button.removeAttribute("data-until-bound");
  });
}

/** Say `text` in the live region `note` (an alert if `error`); `focus`: move there (the news matters, or
 * the button that caused it has gone). Emptied first, filled a moment later: a repeat is read out too. */
export function say(note, text, { error = false, focus = false } = {}) {
  note.setAttribute("role", error ? "alert" : "status");
  note.classList.toggle("feedback-error", error);
  note.textContent = "";
  setTimeout(() => { note.textContent = text; if (focus) note.focus(); }, 50);
  return note;
}

/** What a button did, said beside it (after its row of buttons). */
export function feedback(button, text, options) {
  const after = button.closest(".actions") || button;
  let note = after.nextElementSibling;
  if (!note?.classList.contains("feedback")) after.after(note = el("p.feedback", { tabindex: "-1", role: "status" }));
  return say(note, text, options);
}
