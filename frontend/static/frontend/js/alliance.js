// The alliance lead's queue: proposals to accept or decline, projects in dissemination with what
// each still needs before publishing, and the pipeline (how many projects are at each status).
import { api, listAll, taxonomy } from "./api.js";
import { $, announce, el, muted, projectLink, replace } from "./dom.js";
import { startPage } from "./layout.js";
import { actionLabel, transitionButton } from "./transitions.js";

const conditions = (unmet) => el("ul", { class: "conditions" }, unmet.map((text) => el("li", {}, text)));

function card(project, actions, options, ...content) {
  return el("li", { class: "card" },
    el("h4", { class: "card-title" }, projectLink(project)), ...content,
    el("div", { class: "actions" }, actions.map((action) =>
      // Named with the title: a screen reader's list of buttons must say which project each is for.
      transitionButton(project, action, { ...options, label: `${actionLabel(action, project.status)}: ${project.title}` }))));
}

function queue(id, heading, projects, empty, toCard) {
  return el("section", { class: "queue", "aria-labelledby": `${id}-h` },
    el("h3", { id: `${id}-h` }, `${heading} (${projects.length})`),
    projects.length ? el("ul", { class: "plain cards" }, projects.map(toCard)) : muted(empty));
}

async function pipeline(alliance, statuses) {
  // One count per status (page_size=1): exact however many projects there are.
  const counts = await Promise.all(statuses.map((s) =>
    api("projects/", { query: { alliance, status: s.value, page_size: 1 } }).then((page) => page.count)));
  return el("table", { class: "pipeline" },
    el("caption", {}, "Projects at each status"),
    el("tr", {}, el("th", { scope: "col" }, "Status"), el("th", { scope: "col" }, "Projects")),
    statuses.map((s, i) => el("tr", {}, el("th", { scope: "row" }, s.label), el("td", {}, String(counts[i])))));
}

async function renderAlliance(section, alliance, statuses) {
  const [proposals, disseminating, counts] = await Promise.all([
    listAll("projects/", { alliance: alliance.id, status: "proposed" }),
    // The list has no next_step: each project's detail says what it still needs.
    listAll("projects/", { alliance: alliance.id, status: "dissemination" })
      .then((rows) => Promise.all(rows.map((row) => api(`projects/${row.id}/`)))),
    pipeline(alliance.id, statuses),
  ]);
  const errorBox = el("div", { class: "error-summary", role: "alert", tabindex: "-1", hidden: true });
  const options = { errorBox, onDone: () => renderAlliance(section, alliance, statuses) };
  const id = `alliance-${alliance.id}`;
  replace(section,
    el("h2", { id: `${id}-heading` }, alliance.name),
    errorBox,
    queue(`${id}-proposals`, "Proposals to decide", proposals, "No proposals are waiting.", (p) =>
      card(p, ["accept", "decline"], options, el("p", {}, p.research_question),
        muted(`${p.subject_label} · ${p.phase_label} · proposed by ${p.lead.name}`))),
    queue(`${id}-publish`, "In dissemination", disseminating, "No project is in dissemination.", (p) =>
      card(p, p.permissions.actions.filter((a) => a === "publish"), options, p.next_step?.unmet.length
        ? [el("p", {}, "Still needed before publishing:"), conditions(p.next_step.unmet)]
        : el("p", {}, "Ready to publish."))),
    el("h3", {}, "Pipeline"), counts);
}

async function start() {
  const me = await startPage({ signedIn: true });
  if (!me) return;
  const led = me.memberships.filter((m) => m.role === "lead").map((m) => m.alliance);
  if (!led.length) {
    return replace($("#alliance-queue"), el("p", {}, "This page is for alliance leads."),
      el("p", {}, el("a", { href: "/" }, "Go to your dashboard")));
  }
  try {
    const { statuses } = await taxonomy();
    const sections = led.map((a) => el("section", { class: "alliance", "aria-labelledby": `alliance-${a.id}-heading` }));
    replace($("#alliance-queue"), sections);
    await Promise.all(led.map((alliance, i) => renderAlliance(sections[i], alliance, statuses)));
  } catch (error) {
    replace($("#alliance-queue"), el("p", { class: "error-text" }, error.detail));
    announce(error.detail);
  }
}

start();
