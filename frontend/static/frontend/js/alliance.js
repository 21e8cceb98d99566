// The alliance lead's page: proposals, projects to publish, the synthesis, pipeline, collaboration, schools.
import { renderSchools } from "./alliance-schools.js";
import { api, listAll, taxonomy } from "./api.js";
import { $, announce, el, list, muted, num, projectLink, replace, table } from "./dom.js";
import { startPage } from "./layout.js";
import { chart, effectText } from "./results.js";
import { actionLabel, transitionButton } from "./transitions.js";

// Each button names its project: screen readers may list buttons alone. A refusal shows beside them.
function card(project, actions, options, ...content) {
  const errorBox = el("div.error-summary", { role: "alert", tabindex: "-1", hidden: true });
  return el("li.card", el("h4.card-title", projectLink(project)), content, el("div.actions", actions.map((action) =>
    transitionButton(project, action, { ...options, errorBox, label: `${actionLabel(action, project.status)}: ${project.title}` }))), errorBox);
}

const queue = (id, heading, projects, empty, toCard) => el("section.queue", { "aria-labelledby": id },
  el("h3", { id }, `${heading} (${projects.length})`), projects.length ? el("ul.plain.cards", projects.map(toCard)) : muted(empty));

const pooled = ({ groups }) => (groups.length ? table("Effect pooled across projects (random effects)",
  ["Kind of measure", "Projects", "Pooled g (95% CI)", "Between projects", "Which projects"], groups.map((g) => [
    g.measure_kind_label, `${g.k}`, effectText(g), g.reason || `τ² = ${num(g.tau2, 3)}, I² = ${num(g.i2_percent, 0)}%`,
    [...g.projects.map((p) => `${p.label} (${p.n} pupils)`), ...g.excluded.map((p) => `not pooled: ${p.label} (${p.reason})`)].join("; "),
  ])) : muted("No project has results to pool yet."));

async function renderAlliance(section, { id, name }, statuses) {
  const [proposals, disseminating, pipeline, synthesis] = await Promise.all([
    listAll("projects/", { alliance: id, status: "proposed" }),
    // The list has no next_step: each project's detail says what it still needs.
    listAll("projects/", { alliance: id, status: "dissemination" }).then((rows) => Promise.all(rows.map((row) => api(`projects/${row.id}/`)))),
    api(`alliances/${id}/pipeline/`),
    api(`alliances/${id}/synthesis/`),
  ]);
  const base = `/api/v1/alliances/${id}/charts`;
  // Kept across redrawing: a published project leaves the queue, and what happened is said here.
  section.feedback ??= el("p.feedback", { role: "status", tabindex: "-1" });
  const options = { feedbackBox: section.feedback, onDone: () => renderAlliance(section, { id, name }, statuses) };
  replace(section, el("h2", { id: `alliance-${id}-heading` }, name), section.feedback,
    queue(`proposals-${id}`, "Proposals to decide", proposals, "No proposals are waiting.", (p) => card(p, ["accept", "decline"], options,
      el("p", p.research_question), muted(`${p.subject_label} · ${p.phase_label} · proposed by ${p.lead.name}`))),
    queue(`publish-${id}`, "In dissemination", disseminating, "No project is in dissemination.", (p) =>
      card(p, p.permissions.actions.filter((a) => a === "publish"), options, p.next_step?.unmet.length
        ? [el("p", "Still needed before publishing:"), list(p.next_step.unmet, { class: "conditions" })]
        : el("p", "Ready to publish."))),
    el("h3", "What the projects add up to"), pooled(synthesis), chart(base, "forest"),
    el("h3", "Pipeline"), table("Projects at each status", ["Status", "Projects"], statuses.map((s) => [s.label, `${pipeline.statuses[s.value] ?? 0}`])),
    chart(base, "pipeline"),
    el("h3", "Collaboration"), chart(base, "collaboration"));
}

async function start() {
  const me = await startPage({ signedIn: true });
  const led = me?.memberships.filter((m) => m.role === "lead").map((m) => m.alliance);
  if (!led?.length) {
    $("#not-lead").hidden = !me;
    return replace($("#alliance-queue"));
  }
  try {
    const { statuses, school_phases: phases } = await taxonomy();
    const sections = led.map((a) => el("section.alliance", { "aria-labelledby": `alliance-${a.id}-heading` }));
    const schools = led.map((a) => el("section.alliance-schools", { "aria-labelledby": `schools-${a.id}-heading` }));
    replace($("#alliance-queue"), led.map((_, i) => [sections[i], schools[i]]));
    await Promise.all([...led.map((alliance, i) => renderAlliance(sections[i], alliance, statuses)),
      ...led.map((alliance, i) => renderSchools(schools[i], alliance, phases))]);
  } catch (error) {
    replace($("#alliance-queue"), el("p.error-text", error.detail));
    announce(error.detail);
  }
}

start();
