// The three stages as a timeline, and what still stands between the project and its next step
// (the lifecycle guards' own wording, from the API's `next_step.unmet`).
import { $, el, formatDate, muted, replace } from "./dom.js";

const STAGE_OF_STATUS = { theory: 0, progress: 1, dissemination: 2 };

function stageState(project, index) {
  if (project.status === "published") return ["done", "Complete"];
  const current = STAGE_OF_STATUS[project.status];
  if (current === undefined) return ["pending", project.status === "proposed" ? "Starts when the proposal is accepted" : "Not reached"];
  if (index < current) return ["done", "Complete"];
  if (index === current) return ["current", "Current stage"];
  return ["pending", "Not reached yet"];
}

const ENDINGS = { published: "The findings are published.", withdrawn: "This project has been withdrawn.", declined: "This proposal was declined." };

function nextStepText(project, stages) {
  const step = project.next_step;
  if (!step) return ["Where it stands", ENDINGS[project.status] || ""];
  if (step.action === "accept") return ["Next step", "The alliance lead accepts or declines the proposal."];
  const target = step.action === "publish"
    ? "publishing the findings"
    : `moving on to the ${stages[STAGE_OF_STATUS[project.status] + 1]?.label.toLowerCase() || "next stage"}`;
  return ["What is needed to move on", step.unmet.length ? `Still needed before ${target}:` : `Everything needed is in place for ${target}.`];
}

export function renderTimeline({ project, stages }) {
  replace($("#timeline"), stages.map((stage, index) => {
    const [state, label] = stageState(project, index);
    return el("li", { class: `step step-${state}`, "aria-current": state === "current" ? "step" : false },
      el("span", { class: "step-name" }, stage.label),
      el("span", { class: "step-state" }, label),
      stage.session_date && muted(`Session: ${formatDate(stage.session_date)}`, "span"));
  }));
  const [heading, text] = nextStepText(project, stages);
  const unmet = project.next_step?.unmet || [];
  replace($("#next-step"), el("h3", {}, heading), el("p", {}, text),
    unmet.length > 0 && el("ul", { id: "unmet-conditions", class: "conditions" }, unmet.map((text) => el("li", {}, text))));
}
