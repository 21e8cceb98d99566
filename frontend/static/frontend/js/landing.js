// The front door for visitors: the latest published findings, from the public findings API.
import { api } from "./api.js";
import { $, el, fill, replace } from "./dom.js";
import { startPage } from "./layout.js";
import { headline } from "./results.js";

const LATEST = 5;

function card(f) {
  const item = $("#latest-card").content.firstElementChild.cloneNode(true);
  fill(f, item);
  item.querySelector("a").href = `/findings/${f.slug}/`;
  item.querySelector(".headline").append(...headline(f));
  return item;
}

async function start() {
  await startPage();
  try {
    const data = await api("findings/", { query: { ordering: "-published", page_size: LATEST } });
    replace($("#latest-findings"), data.results.length ? data.results.map(card)
      : el("li", "No findings are published yet. The first ones will appear here."));
  } catch (error) {
    replace($("#latest-findings"), el("li.error-text", error.detail));
  }
}

start();
