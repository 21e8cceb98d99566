// Building page content safely: text goes in as text, never parsed as HTML.

/** el("a.class", {href: "/x", onclick: f}, "text", node...): optional attributes (false/null left out), children. */
export function el(tag, attributes, ...children) {
  if (attributes?.constructor !== Object) [attributes, children] = [{}, [attributes, ...children]];
  const [name, ...classes] = tag.split(".");
  const node = document.createElement(name);
  if (classes.length) node.className = classes.join(" ");
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value == null) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.flat(9).filter((child) => child != null && child !== false));
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

export function replace(node, ...children) {
  node.replaceChildren(...children.flat(9).filter(Boolean));
  node.removeAttribute("aria-busy");
  return node;
}

/** Say it in the aria-live status line (cleared first: a repeat is heard). */
export function announce(message) {
  $("#status").textContent = "";
  setTimeout(() => { $("#status").textContent = message; }, 50);
}

export const formatDate = (value) => value && new Date(value.length === 10 ? `${value}T12:00` : value)
  .toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });

export const humanise = (name) => name.charAt(0).toUpperCase() + name.slice(1).replaceAll("_", " ");

/** To `digits` places, with a true minus; "c" (withheld) passes through. */
export const num = (value, digits = 1) => (typeof value === "number" ? value.toFixed(digits).replace("-", "−") : value ?? "–");

/** <option>s for [{value, label}], after a `blank` one if given. */
export const options = (choices, blank) => [blank && el("option", { value: "" }, blank),
  ...choices.map((choice) => el("option", { value: choice.value }, choice.label))].filter(Boolean);

export const labelOf = (choices, value) => choices.find((choice) => choice.value === value)?.label || value;

export const facts = (pairs, className = "facts") => el(`dl.${className}`,
  pairs.filter((pair) => pair[1]).map(([term, value]) => [el("dt", term), el("dd", value)]));

/** A table (scrolling sideways if narrow); each row's first cell heads it. */
export const table = (caption, head, rows) => el("div.scroll", el("table", caption && el("caption", caption),
  el("thead", el("tr", head.map((text) => el("th", { scope: "col" }, text)))),
  el("tbody", rows.map(([first, ...rest]) => el("tr", el("th", { scope: "row" }, first), rest.map((cell) => el("td", cell)))))));

/** Each [data-field="a.b"] under `root` gets that field (else its data-empty, or "Not written yet"). */
export const fill = (data, root) => root.querySelectorAll("[data-field]").forEach((node) => {
  node.textContent = node.dataset.field.split(".").reduce((value, key) => value?.[key], data) || (node.dataset.empty ?? "Not written yet");
});

export const list = (items, attributes = {}) => el("ul", attributes, items.map((item) => el("li", item)));

export const projectLink = (project) => el("a", { href: `/projects/${project.id}/` }, project.title);

export const muted = (text, tag = "p") => el(`${tag}.muted`, text);
