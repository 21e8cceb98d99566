// Moving a project on (accept, decline, advance, publish, unpublish, withdraw), shared by the
// project page and the alliance queue. Destructive moves ask first; every request carries the
// status the user saw, so a move on a stale page is refused (409 stale_status) and said so.
import { api } from "./api.js";
import { $, el } from "./dom.js";

const NEXT_STAGE = { theory: "the progress update", progress: "dissemination" };

export function actionLabel(action, status) {
  return {
    accept: "Accept the proposal",
    decline: "Decline the proposal",
    advance: `Move on to ${NEXT_STAGE[status] || "the next stage"}`,
    publish: "Publish the findings",
    unpublish: "Unpublish",
    withdraw: "Withdraw the project",
  }[action] || action;
}

const CONFIRMATIONS = {
  decline: { title: "Decline this proposal?", text: "The proposal will be closed. This cannot be undone.", reason: false },
  withdraw: { title: "Withdraw this project?", text: "The project will stop and cannot be restarted.", reason: false },
  unpublish: { title: "Unpublish these findings?", text: "The findings stop being public. Say why: the reason is recorded.", reason: true },
};

export const DONE = {
  accept: "The proposal has been accepted: the theory stage has begun.",
  decline: "The proposal has been declined.",
  advance: "The project has moved on to its next stage.",
  publish: "The findings are published.",
  unpublish: "The findings have been unpublished.",
  withdraw: "The project has been withdrawn.",
};

/** Ask in the page's <dialog>; resolves to {comment} if confirmed, or null. */
function confirmAction(project, action) {
  const confirmation = CONFIRMATIONS[action];
  if (!confirmation) return Promise.resolve({ comment: "" });
  const dialog = $("#confirm-dialog");
  const form = $("#confirm-form");
  const reason = $("#confirm-reason");
  $("#confirm-title").textContent = confirmation.title;
  $("#confirm-text").textContent = `${project.title}: ${confirmation.text}`;
  $("#confirm-yes").textContent = actionLabel(action, project.status);
  $("#confirm-reason-field").hidden = !confirmation.reason;
  form.querySelectorAll(".field-error").forEach((node) => node.remove());
  reason.value = "";
  reason.required = confirmation.reason;
  return new Promise((resolve) => {
    function onSubmit(event) {
      if (event.submitter && event.submitter.value === "confirm" && confirmation.reason && !reason.value.trim()) {
        event.preventDefault();
        if (!form.querySelector(".field-error")) {
          reason.before(el("p", { class: "field-error", id: "confirm-reason-error" }, "Give a reason."));
          reason.setAttribute("aria-describedby", "confirm-reason-error");
        }
        reason.focus();
      }
    }
    form.addEventListener("submit", onSubmit);
    dialog.addEventListener("close", () => {
      form.removeEventListener("submit", onSubmit);
      resolve(dialog.returnValue === "confirm" ? { comment: reason.value.trim() } : null);
    }, { once: true });
    dialog.returnValue = "";
    dialog.showModal();
  });
}

/** Confirm if needed, then POST the transition. Resolves true when done, false when cancelled. */
export async function runTransition(project, action) {
  const answer = await confirmAction(project, action);
  if (!answer) return false;
  await api(`projects/${project.id}/transitions/`, {
    method: "POST",
    body: { action, from_status: project.status, comment: answer.comment },
  });
  return true;
}

