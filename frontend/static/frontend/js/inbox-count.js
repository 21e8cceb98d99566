// The header's inbox link and unread count (GET /notifications/unread-count/), on every signed-in page.
import { api } from "./api.js";
import { $ } from "./dom.js";

/** Show the count (or `unread` if known); the span is aria-live, so a change is read out. */
export async function showUnreadCount(unread) {
  const link = $("#nav-inbox");
  if (!link) return;
  link.hidden = false;
  try {
    unread ??= (await api("notifications/unread-count/")).unread;
  } catch {
    return; // the count is a courtesy: the page works without it
  }
  const text = unread ? ` (${unread} unread)` : "";
  if ($("#inbox-count").textContent !== text) $("#inbox-count").textContent = text;
}
