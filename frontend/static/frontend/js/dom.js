// Building page content safely: text always goes in as text (never parsed as HTML).

/** el("a", {href: "/x", class: "link"}, "text", child...): attributes, then children. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value == null) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.flat().filter((child) => child != null && child !== false));
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

export function replace(node, ...children) {
  node.replaceChildren(...children.flat().filter(Boolean));
  node.removeAttribute("aria-busy");
  return node;
}

/** Say something in the page's status line (an aria-live region, so screen readers hear it). */
export function announce(message) {
  const status = $("#status");
  status.textContent = "";
  // A fresh text node after clearing makes repeated identical messages heard again.
  setTimeout(() => { status.textContent = message; }, 50);
}

export function formatDate(value) {
  if (!value) return "";
  const date = new Date(value.length === 10 ? `${value}T12:00:00` : value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
}

/** "agreed_question" -> "Agreed question". */
export const humanise = (name) => name.charAt(0).toUpperCase() + name.slice(1).replaceAll("_", " ");

/** <option>s for the choices, after an empty one labelled `blank` if given. */
export const options = (choices, blank) => [
  blank && el("option", { value: "" }, blank),
  ...choices.map((choice) => el("option", { value: choice.value }, choice.label)),
].filter(Boolean);

export const labelOf = (choices, value) => (choices.find((choice) => choice.value === value) || {}).label || value;

export const projectLink = (project) => el("a", { href: `/projects/${project.id}/` }, project.title);

export const muted = (text, tag = "p") => el(tag, { class: "muted" }, text);

export const statusTag = (project) => el("span", { class: `tag tag-${project.status}` }, project.status_label);
