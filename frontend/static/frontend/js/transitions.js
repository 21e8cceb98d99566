// Moving a project on, from the project page or the alliance queue. Destructive moves ask
// first; each request carries the status the user saw, so a stale page is refused (409
// stale_status) and told to reload rather than acting on what it no longer shows.
import { api } from "./api.js";
import { $, announce, el } from "./dom.js";
import { hideErrorBox, showErrorBox } from "./forms.js";

const NEXT_STAGE = { theory: "the progress update", progress: "dissemination" };
const WORDS = {  // [button, announcement when done]
  accept: ["Accept the proposal", "The proposal has been accepted: the theory stage has begun."],
  decline: ["Decline the proposal", "The proposal has been declined."],
  advance: ["", "The project has moved on to its next stage."],
  publish: ["Publish the findings", "The findings are published."],
  unpublish: ["Unpublish", "The findings have been unpublished."],
  withdraw: ["Withdraw the project", "The project has been withdrawn."],
};
const CONFIRM = {  // [question, consequence, reason required]
  decline: ["Decline this proposal?", "The proposal will be closed. This cannot be undone.", false],
  withdraw: ["Withdraw this project?", "The project will stop and cannot be restarted.", false],
  unpublish: ["Unpublish these findings?", "The findings stop being public. Say why: the reason is recorded.", true],
};

export const actionLabel = (action, status) =>
  action === "advance" ? `Move on to ${NEXT_STAGE[status] || "the next stage"}` : WORDS[action]?.[0] || action;

/** Ask in the page's <dialog>; resolves to the comment ("" if none) if confirmed, or null. */
function confirmAction(project, action) {
  if (!CONFIRM[action]) return Promise.resolve("");
  const [question, consequence, needsReason] = CONFIRM[action];
  const dialog = $("#confirm-dialog");
  const form = $("#confirm-form");
  const reason = $("#confirm-reason");
  $("#confirm-title").textContent = question;
  $("#confirm-text").textContent = `${project.title}: ${consequence}`;
  $("#confirm-yes").textContent = actionLabel(action, project.status);
  $("#confirm-reason-field").hidden = !needsReason;
  form.querySelectorAll(".field-error").forEach((node) => node.remove());
  reason.value = "";
  return new Promise((resolve) => {
    const onSubmit = (event) => {
      if (event.submitter?.value !== "confirm" || !needsReason || reason.value.trim()) return;
      event.preventDefault();
      if (!form.querySelector(".field-error")) {
        reason.before(el("p", { class: "field-error", id: "confirm-reason-error" }, "Give a reason."));
        reason.setAttribute("aria-describedby", "confirm-reason-error");
      }
      reason.focus();
    };
    form.addEventListener("submit", onSubmit);
    dialog.addEventListener("close", () => {
      form.removeEventListener("submit", onSubmit);
      resolve(dialog.returnValue === "confirm" ? reason.value.trim() : null);
    }, { once: true });
    dialog.returnValue = "";
    dialog.showModal();
  });
}

/** A button that runs `action` on `project`; refusals go in `errorBox`, success calls `onDone`. */
export function transitionButton(project, action, { label, errorBox, onDone }) {
  const button = el("button", {
    type: "button", class: `button${CONFIRM[action] ? " warning" : ""}`, "data-action": action,
  }, label || actionLabel(action, project.status));
  button.addEventListener("click", async () => {
    hideErrorBox(errorBox);
    const comment = await confirmAction(project, action);
    if (comment === null) return;
    button.disabled = true;
    try {
      await api(`projects/${project.id}/transitions/`, {
        method: "POST", body: { action, from_status: project.status, comment },
      });
      await onDone();
      announce(`${project.title}: ${WORDS[action]?.[1] || "done."}`);
    } catch (error) {
      showErrorBox(errorBox, error);
      if (error.code === "stale_status") {
        errorBox.append(el("p", {}, el("a", { href: location.href }, "Reload the page to see where the project stands now")));
      }
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
