// Moving a project on: destructive moves ask first; a stale page (409) is told to reload.
import { api } from "./api.js";
import { $, announce, el } from "./dom.js";
import { showErrorBox } from "./forms.js";

const NEXT_STAGE = { theory: "the progress update", progress: "dissemination" };
const WORDS = { // [button, said when done]
  accept: ["Accept the proposal", "The proposal has been accepted: the theory stage has begun."],
  decline: ["Decline the proposal", "The proposal has been declined."],
  advance: ["", "The project has moved on to its next stage."],
  publish: ["Publish the findings", "The findings are published."],
  unpublish: ["Unpublish", "The findings have been unpublished."],
  withdraw: ["Withdraw the project", "The project has been withdrawn."],
};
const CONFIRM = { // [question, consequence, reason required]
  decline: ["Decline this proposal?", "The proposal will be closed. This cannot be undone."],
  withdraw: ["Withdraw this project?", "The project will stop and cannot be restarted."],
  unpublish: ["Unpublish these findings?", "The findings stop being public. Say why: the reason is recorded.", true],
};

export const actionLabel = (action, status) =>
  action === "advance" ? `Move on to ${NEXT_STAGE[status] || "the next stage"}` : WORDS[action]?.[0] || action;

/** Ask in the page's <dialog> → the reason ("" if not asked) if confirmed, else null. */
export function ask(question, text, yes, needsReason) {
  const [dialog, form, reason] = ["#confirm-dialog", "#confirm-form", "#confirm-reason"].map((id) => $(id));
  $("#confirm-title").textContent = question;
  $("#confirm-text").textContent = text;
  $("#confirm-yes").textContent = yes;
  $("#confirm-reason-field").hidden = !needsReason;
  $("#confirm-reason-error")?.remove();
  reason.value = dialog.returnValue = "";
  form.onsubmit = (event) => {
    if (event.submitter?.value !== "confirm" || !needsReason || reason.value.trim()) return;
    event.preventDefault();
    if (!$("#confirm-reason-error")) reason.before(el("p.field-error", { id: "confirm-reason-error" }, "Give a reason."));
    reason.setAttribute("aria-describedby", "confirm-reason-error");
    reason.focus();
  };
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.onclose = () => resolve(dialog.returnValue === "confirm" ? reason.value.trim() : null);
  });
}

/** A button for `action`: a refusal shows in `errorBox`; success calls `onDone`. */
export function transitionButton(project, action, { label, errorBox, onDone }) {
  const [question, consequence, needsReason] = CONFIRM[action] || [];
  const button = el("button", { type: "button", class: `button${question ? " warning" : ""}`, "data-action": action },
    label || actionLabel(action, project.status));
  button.addEventListener("click", async () => {
    errorBox.hidden = true;
    const comment = question ? await ask(question, `${project.title}: ${consequence}`, actionLabel(action, project.status), needsReason) : "";
    if (comment === null) return;
    button.disabled = true;
    try {
      await api(`projects/${project.id}/transitions/`, { method: "POST", body: { action, from_status: project.status, comment } });
      await onDone();
      announce(`${project.title}: ${WORDS[action]?.[1] || "done."}`);
    } catch (error) {
      showErrorBox(errorBox, error);
      if (error.code === "stale_status") errorBox.append(el("p", el("a", { href: location.href }, "Reload the page to see where the project stands now")));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
