// Moving a project on: destructive moves ask first, publishing shows what will be public first; a stale
// page (409) is told to reload. What happened is said beside the buttons (feedbackBox), and focus goes there.
import { api } from "./api.js";
import { $, el, list } from "./dom.js";
import { say, showErrorBox } from "./forms.js";
import { publicationPreview } from "./publication-preview.js";

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

/** Ask in the page's <dialog> (showing `preview` nodes, if given) → the reason ("" if not asked) if confirmed, else null. */
export function ask(question, text, yes, needsReason, preview) {
  const [dialog, form, reason] = ["#confirm-dialog", "#confirm-form", "#confirm-reason"].map((id) => $(id));
  $("#confirm-title").textContent = question;
  $("#confirm-text").textContent = text;
  $("#confirm-yes").textContent = yes;
  $("#confirm-preview").replaceChildren(...[preview].flat(9).filter(Boolean));
  $("#confirm-preview").hidden = !preview;
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

/** Publishing: the finding as readers will see it, then "Publish" (or what still stands in the way). */
async function confirmPublish(project) {
  const { unmet, nodes } = await publicationPreview(project);
  const text = unmet.length ? "Not ready to publish. This is what would be public once it is:"
    : "This is exactly what anyone will be able to read. Check it, then publish.";
  return ask(`Publish “${project.title}”?`, text, "Publish these findings", false,
    [unmet.length > 0 && list(unmet, { class: "conditions" }), nodes]);
}

/** A button for `action`: a refusal shows in `errorBox`; success calls `onDone`, then is said in `feedbackBox`. */
export function transitionButton(project, action, { label, errorBox, feedbackBox, onDone }) {
  const [question, consequence, needsReason] = CONFIRM[action] || [];
  const button = el("button", { type: "button", class: `button${question ? " warning" : ""}`, "data-action": action },
    label || actionLabel(action, project.status));
  button.addEventListener("click", async () => {
    errorBox.hidden = true;
    let comment = "";
    try {
      if (action === "publish") comment = await confirmPublish(project);
      else if (question) comment = await ask(question, `${project.title}: ${consequence}`, actionLabel(action, project.status), needsReason);
    } catch (error) {
      return showErrorBox(errorBox, error);
    }
    if (comment === null) return;
    button.disabled = true;
    try {
      await api(`projects/${project.id}/transitions/`, { method: "POST", body: { action, from_status: project.status, comment } });
      await onDone();
      say(feedbackBox, `${project.title}: ${WORDS[action]?.[1] || "done."}`, { focus: true });
    } catch (error) {
      showErrorBox(errorBox, error);
      if (error.code === "stale_status") errorBox.append(el("p", el("a", { href: location.href }, "Reload the page to see where the project stands now")));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
