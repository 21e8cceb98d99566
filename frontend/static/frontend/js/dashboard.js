// Dashboard: my projects, then each of my alliances' projects grouped by status.
import { listAll, taxonomy } from "./api.js";
import { $, announce, el, muted, projectLink, replace, statusTag } from "./dom.js";
import { startPage } from "./layout.js";

function projectItem(project) {
  return el("li", { class: "card" },
    el("h3", { class: "card-title" }, projectLink(project)), " ", statusTag(project),
    el("p", {}, project.research_question),
    muted(`${project.subject_label} · ${project.phase_label} · ${project.academic_year} · led by ${project.lead.name}`));
}

const projectList = (projects, empty) =>
  projects.length ? el("ul", { class: "plain cards" }, projects.map(projectItem)) : muted(empty);

function allianceSection(membership, projects, statuses) {
  const { alliance } = membership;
  const headingId = `alliance-${alliance.id}-heading`;
  const groups = statuses
    .map((status) => ({ status, projects: projects.filter((p) => p.status === status.value) }))
    .filter((group) => group.projects.length);
  return el("section", { "aria-labelledby": headingId },
    el("h2", { id: headingId }, alliance.name),
    membership.role === "lead" && el("p", {}, el("a", { href: "/alliance/" }, "Open the alliance queue")),
    groups.length ? groups.map((group) => el("div", { class: "group" },
      el("h3", {}, `${group.status.label} (${group.projects.length})`),
      el("ul", { class: "plain link-list" }, group.projects.map((project) => el("li", {}, projectLink(project))))))
      : muted("No projects in this alliance yet."));
}

async function load() {
  const me = await startPage({ signedIn: true });
  if (!me) return;
  try {
    const [mine, { statuses }] = await Promise.all([listAll("projects/", { member: me.id }), taxonomy()]);
    replace($("#my-projects"), projectList(mine, "You are not in any project yet. Propose a question, or ask to join one below."));
    const perAlliance = await Promise.all(me.memberships.map((m) => listAll("projects/", { alliance: m.alliance.id })));
    replace($("#alliance-projects"), me.memberships.map((m, i) => allianceSection(m, perAlliance[i], statuses)));
  } catch (error) {
    replace($("#my-projects"), el("p", { class: "error-text" }, error.detail));
    announce(error.detail);
  }
}

load();
