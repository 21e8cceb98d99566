// Dashboard: my projects, news of what I follow, my alliances' projects by status.
import { api, listAll, taxonomy } from "./api.js";
import { $, announce, el, formatDate, labelOf, muted, projectLink, replace } from "./dom.js";
import { startPage } from "./layout.js";

/** The items as a list; if none, the template's `empty` message. */
const list = (items, empty, item, attributes = { class: "plain cards" }) => ($(empty).hidden = items.length) && el("ul", attributes, items.map(item));

const projectItem = (p) => el("li.card", el("h3.card-title", projectLink(p)), " ", el(`span.tag.tag-${p.status}`, p.status_label),
  el("p", p.research_question), muted(`${p.subject_label} · ${p.phase_label} · ${p.academic_year} · led by ${p.lead.name}`));

function allianceSection({ alliance, role }, projects, statuses) {
  const id = `alliance-${alliance.id}-heading`;
  const groups = statuses.map((status) => [status, projects.filter((p) => p.status === status.value)]).filter(([, group]) => group.length);
  return el("section", { "aria-labelledby": id }, el("h2", { id }, alliance.name),
    role === "lead" && el("p", el("a", { href: "/alliance/" }, "Open the alliance queue")),
    groups.length ? groups.map(([status, group]) => [el("h3", `${status.label} (${group.length})`),
      el("ul.plain", group.map((p) => el("li", projectLink(p))))]) : muted("No projects in this alliance yet."));
}

/** News of what I follow, newest first: a status change or publication. */
const news = (statuses) => (item) => el("li", muted(`${formatDate(item.at)}: `, "span"), item.finding
  ? [el("a", { href: `/findings/${item.finding}/` }, item.project.title), " was published in the findings library."]
  : [projectLink(item.project), `: ${labelOf(statuses, item.from_status)} → ${labelOf(statuses, item.to_status)}.`]);

async function load() {
  const me = await startPage({ signedIn: true });
  if (!me) return;
  try {
    const [mine, { statuses }, feed] = await Promise.all([listAll("projects/", { member: me.id }), taxonomy(), api("feed/")]);
    replace($("#my-projects"), list(mine, "#no-projects", projectItem));
    replace($("#feed"), list(feed.results, "#no-news", news(statuses), { class: "plain", id: "feed-list" }));
    const perAlliance = await Promise.all(me.memberships.map((m) => listAll("projects/", { alliance: m.alliance.id })));
    replace($("#alliance-projects"), me.memberships.map((m, i) => allianceSection(m, perAlliance[i], statuses)));
  } catch (error) {
    replace($("#my-projects"), el("p.error-text", error.detail));
    announce(error.detail);
  }
}

load();
