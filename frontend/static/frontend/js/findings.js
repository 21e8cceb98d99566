// The findings library: a GET form (each search has an address), facet counts, pages.
import { api, taxonomy } from "./api.js";
import { $, el, fill, labelOf, replace } from "./dom.js";
import { startPage } from "./layout.js";
import { DIRECTION, headline } from "./results.js";

const form = $("#findings-form");
const query = new URLSearchParams(location.search);

function fillFilters(facets, choices) {
  const labels = { ...choices, theme: choices.themes.map((t) => ({ value: t.slug, label: t.name })),
    direction: Object.entries(DIRECTION).map(([value, label]) => ({ value, label })) };
  // The filter (and its facet's count) is "at least n padlocks".
  facets.evidence_strength = facets.evidence_strength.filter((f) => f.value).map((f) => ({ ...f, label: `At least ${f.value} padlocks` }));
  for (const [name, counts] of Object.entries(facets)) {
    const chosen = query.get(name) || "";
    const choice = (value, count, label) => el("option", { value, selected: `${value}` === chosen },
      `${label || labelOf(labels[name] || labels[`${name}s`] || [], value)} (${count})`);
    replace(form.elements[name], el("option", { value: "" }, "Any"), counts.map((f) => choice(f.value, f.count, f.label)),
      chosen && !counts.some((f) => `${f.value}` === chosen) && choice(chosen, 0));
  }
}

function finding(f) {
  const card = $("#finding-card").content.firstElementChild.cloneNode(true);
  fill(f, card);
  card.querySelector("a").href = `/findings/${f.slug}/`;
  card.querySelector(".headline").append(...headline(f));
  return card;
}

// The API's links to the pages either side carry the query: taken as is.
const pageLink = (url, text) => url && el("a", { href: `?${new URL(url).searchParams}` }, text);

async function start() {
  await startPage();
  form.search.value = query.get("search");
  form.ordering.value = query.get("ordering") || "-published";
  try {
    const [data, choices] = await Promise.all([api("findings/", { query: Object.fromEntries(query) }), taxonomy()]);
    const pages = Math.ceil(data.count / (query.get("page_size") || 20));
    fillFilters(data.facets, choices);
    $("#findings-count").textContent = `${data.count} finding${data.count === 1 ? "" : "s"}${query.get("search") ? ` for “${query.get("search")}”` : ""}`;
    replace($("#findings-list"), data.results.length ? data.results.map(finding) : el("li", "No published finding matches. Try fewer words or filters."));
    replace($("#pagination"), pages > 1 && [pageLink(data.previous, "Previous page"),
      el("span", `Page ${query.get("page") || 1} of ${pages}`), pageLink(data.next, "Next page")]);
  } catch (error) {
    replace($("#findings-list"), el("li.error-text", error.detail));
  }
}

start();
