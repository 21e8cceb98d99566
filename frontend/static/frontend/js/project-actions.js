// The decisions the signed-in user may take on this project (`permissions.actions`).
import { $, replace } from "./dom.js";
import { transitionButton } from "./transitions.js";

export function renderActions(page) {
  const { actions } = page.project.permissions;
  $("#actions").hidden = actions.length === 0;
  // After a move, everything is redrawn: what may be written depends on the status.
  const options = { errorBox: $("#action-error"), onDone: page.refreshAll };
  replace($("#action-buttons"), actions.map((action) => transitionButton(page.project, action, options)));
}
