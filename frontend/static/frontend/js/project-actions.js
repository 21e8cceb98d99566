// The decisions the signed-in user may take on this project (`permissions.actions`).
import { $, announce, el, replace } from "./dom.js";
import { hideErrorBox, showErrorBox } from "./forms.js";
import { DONE, actionLabel, runTransition } from "./transitions.js";

const DESTRUCTIVE = new Set(["decline", "withdraw", "unpublish"]);

async function act(page, action, button) {
  const box = $("#action-error");
  hideErrorBox(box);
  button.disabled = true;
  try {
    if (!(await runTransition(page.project, action))) return;
    await page.refreshAll();
    announce(DONE[action]);
  } catch (error) {
    showErrorBox(box, error);
    if (error.code === "stale_status") {
      box.append(el("p", {}, el("a", { href: location.pathname }, "Reload the page to see where the project stands now")));
    }
  } finally {
    button.disabled = false;
  }
}

export function renderActions(page) {
  const { actions } = page.project.permissions;
  $("#actions").hidden = actions.length === 0;
  replace($("#action-buttons"), actions.map((action) => {
    const button = el("button", {
      type: "button",
      class: `button${DESTRUCTIVE.has(action) ? " warning" : ""}`,
      "data-action": action,
    }, actionLabel(action, page.project.status));
    button.addEventListener("click", () => act(page, action, button));
    return button;
  }));
}
