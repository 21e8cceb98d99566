// The alliance lead's queue: proposals to accept or decline, projects in dissemination and what
// each still needs before publishing, and the pipeline (how many projects are at each status).
import { api, listAll, taxonomy } from "./api.js";
import { $, announce, el, projectLink, replace } from "./dom.js";
import { showErrorBox } from "./forms.js";
import { startPage } from "./layout.js";
import { DONE, actionLabel, runTransition } from "./transitions.js";

function decisionButtons(project, actions, onDone, errorBox) {
  return el("div", { class: "actions" }, actions.map((action) => {
    const button = el("button", {
      type: "button", class: `button${action === "decline" ? " warning" : ""}`, "data-action": action,
    }, `${actionLabel(action, project.status)}: ${project.title}`);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        if (await runTransition(project, action)) {
          announce(`${project.title}: ${DONE[action]}`);
          await onDone();
        }
      } catch (error) {
        showErrorBox(errorBox, error);
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }));
}

function proposalCard(project, reload, errorBox) {
  return el("li", { class: "card" },
    el("h4", { class: "card-title" }, projectLink(project)),
    el("p", {}, project.research_question),
    el("p", { class: "muted" }, `${project.subject_label} · ${project.phase_label} · proposed by ${project.lead.name}`),
    decisionButtons(project, ["accept", "decline"], reload, errorBox));
}

function publishCard(project, reload, errorBox) {
  const { unmet } = project.next_step || { unmet: [] };
  return el("li", { class: "card" },
    el("h4", { class: "card-title" }, projectLink(project)),
    unmet.length
      ? [el("p", {}, "Still needed before publishing:"), el("ul", { class: "conditions" }, unmet.map((text) => el("li", {}, text)))]
      : el("p", {}, "Ready to publish."),
    project.permissions.actions.includes("publish") && decisionButtons(project, ["publish"], reload, errorBox));
}

async function pipeline(allianceId, statuses) {
  // One count per status (page_size=1): exact however many projects there are.
  const counts = await Promise.all(statuses.map((status) =>
    api("projects/", { query: { alliance: allianceId, status: status.value, page_size: 1 } }).then((page) => page.count)));
  return el("table", { class: "pipeline" },
    el("caption", {}, "Projects at each status"),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Status"), el("th", { scope: "col" }, "Projects"))),
    el("tbody", {}, statuses.map((status, i) =>
      el("tr", {}, el("th", { scope: "row" }, status.label), el("td", {}, String(counts[i]))))));
}

async function renderAlliance(section, alliance, statuses) {
  const reload = () => renderAlliance(section, alliance, statuses);
  const [proposals, disseminating, counts] = await Promise.all([
    listAll("projects/", { alliance: alliance.id, status: "proposed" }),
    listAll("projects/", { alliance: alliance.id, status: "dissemination" })
      .then((rows) => Promise.all(rows.map((row) => api(`projects/${row.id}/`)))),
    pipeline(alliance.id, statuses),
  ]);
  const errorBox = el("div", { class: "error-summary", role: "alert", tabindex: "-1", hidden: true });
  const slug = `alliance-${alliance.id}`;
  replace(section,
    el("h2", { id: `${slug}-heading` }, alliance.name),
    errorBox,
    el("section", { id: `${slug}-proposals`, class: "queue", "aria-labelledby": `${slug}-proposals-heading` },
      el("h3", { id: `${slug}-proposals-heading` }, `Proposals to decide (${proposals.length})`),
      proposals.length ? el("ul", { class: "plain cards" }, proposals.map((p) => proposalCard(p, reload, errorBox)))
        : el("p", { class: "muted" }, "No proposals are waiting.")),
    el("section", { id: `${slug}-publish`, class: "queue", "aria-labelledby": `${slug}-publish-heading` },
      el("h3", { id: `${slug}-publish-heading` }, `In dissemination (${disseminating.length})`),
      disseminating.length ? el("ul", { class: "plain cards" }, disseminating.map((p) => publishCard(p, reload, errorBox)))
        : el("p", { class: "muted" }, "No project is in dissemination.")),
    el("section", { "aria-labelledby": `${slug}-pipeline-heading` },
      el("h3", { id: `${slug}-pipeline-heading` }, "Pipeline"), counts));
}

async function start() {
  const me = await startPage({ signedIn: true });
  if (!me) return;
  const queue = $("#alliance-queue");
  const led = me.memberships.filter((m) => m.role === "lead").map((m) => m.alliance);
  if (!led.length) {
    replace(queue, el("p", {}, "This page is for alliance leads. "), el("p", {}, el("a", { href: "/" }, "Go to your dashboard")));
    return;
  }
  try {
    const { statuses } = await taxonomy();
    const sections = led.map((alliance) => el("section", { class: "alliance", "aria-labelledby": `alliance-${alliance.id}-heading` }));
    replace(queue, sections);
    await Promise.all(led.map((alliance, i) => renderAlliance(sections[i], alliance, statuses)));
  } catch (error) {
    replace(queue, el("p", { class: "error-text" }, error.detail));
    announce(error.detail);
  }
}

start();
