// The inbox: invitations to answer, notifications (each linking to its place), and the email choice.
import { api } from "./api.js";
import { $, el, formatDate, muted, replace } from "./dom.js";
import { onSubmit } from "./forms.js";
import { showUnreadCount } from "./inbox-count.js";
import { startPage } from "./layout.js";

/** Say it beside what caused it (each section has its own aria-live line). */
function say(selector, message) {
  $(selector).textContent = "";
  setTimeout(() => { $(selector).textContent = message; }, 50);
}

// --- invitations ---------------------------------------------------------------------------------

async function answer(invitation, verb) {
  try {
    await api(`invitations/${invitation.id}/${verb}/`, { method: "POST" });
    if (verb === "accept") return location.assign(`/projects/${invitation.project.id}/`);
    say("#invitation-status", `You declined the invitation to “${invitation.project.title}”.`);
    await loadInvitations();
  } catch (error) {
    say("#invitation-status", error.detail);
  }
}

const invitationItem = (invitation) => el("li.card",
  el("h3.card-title", el("a", { href: `/projects/${invitation.project.id}/` }, invitation.project.title)),
  el("p", invitation.project.research_question),
  muted(`${invitation.invited_by?.name || "The project lead"} invited you on ${formatDate(invitation.created_at)}.`),
  el("div.actions",
    el("button.button", { type: "button", onclick: () => answer(invitation, "accept") }, `Accept and join “${invitation.project.title}”`),
    el("button.button.secondary", { type: "button", onclick: () => answer(invitation, "decline") }, `Decline “${invitation.project.title}”`)));

async function loadInvitations() {
  const invitations = await api("invitations/");
  $("#no-invitations").hidden = invitations.length > 0;
  replace($("#invitation-list"), invitations.length > 0 && el("ul.plain.cards", invitations.map(invitationItem)));
}

// --- notifications -------------------------------------------------------------------------------

let next = null;

async function markRead(notification) {
  const updated = await api(`notifications/${notification.id}/read/`, { method: "POST" });
  Object.assign(notification, updated);
  await showUnreadCount();
}

function notificationItem(notification) {
  const item = el("li.card", { class: `card${notification.unread ? " unread" : ""}` });
  const open = async (event) => { // read, then go to its place
    event.preventDefault();
    await markRead(notification).catch(() => null);
    location.assign(notification.link);
  };
  const draw = () => replace(item,
    el("p", notification.unread && el("span.tag", "Unread"), " ",
      notification.link ? el("a", { href: notification.link, onclick: open }, notification.text) : notification.text),
    muted(`${notification.kind_label} · ${formatDate(notification.created_at)}`),
    notification.unread && el("button.button.secondary", { type: "button", onclick: read }, `Mark as read: ${notification.text}`));
  async function read() {
    try {
      await markRead(notification);
      item.classList.remove("unread");
      draw();
      say("#notification-status", "Marked as read.");
    } catch (error) {
      say("#notification-status", error.detail);
    }
  }
  draw();
  return item;
}

async function loadNotifications(more = false) {
  const page = more ? await api(next) : await api("notifications/", { query: { unread: $("#notification-filter").value } });
  next = page.next;
  $("#more-notifications").hidden = !next;
  const items = page.results.map(notificationItem);
  if (more) $("#notification-items").append(...items);
  else {
    $("#no-notifications").hidden = page.count > 0;
    replace($("#notification-list"), page.count > 0 && el("ul.plain.cards", { id: "notification-items" }, items));
  }
}

async function readAll() {
  try {
    const { marked } = await api("notifications/read-all/", { method: "POST" });
    await Promise.all([loadNotifications(), showUnreadCount(0)]);
    say("#notification-status", marked ? `${marked} marked as read.` : "Everything was already read.");
  } catch (error) {
    say("#notification-status", error.detail);
  }
}

// --- the email choice ----------------------------------------------------------------------------

async function loadDelivery() {
  const settings = await api("notifications/settings/");
  replace($("#delivery-choices"), settings.choices.map(({ value, label }) => el("div.radio",
    el("input", { type: "radio", name: "delivery", id: `delivery-${value}`, value, checked: value === settings.delivery }),
    el("label", { for: `delivery-${value}` }, label))));
  onSubmit($("#delivery-form"), async (data) => {
    try {
      const saved = await api("notifications/settings/", { method: "PATCH", body: { delivery: data.get("delivery") } });
      say("#delivery-status", `Saved: ${settings.choices.find((c) => c.value === saved.delivery).label}.`);
    } catch (error) {
      say("#delivery-status", error.detail);
    }
  });
}

async function load() {
  const me = await startPage({ signedIn: true });
  if (!me) return;
  $("#notification-filter").addEventListener("change", () => loadNotifications());
  $("#read-all").addEventListener("click", readAll);
  $("#more-notifications").addEventListener("click", () => loadNotifications(true));
  await Promise.all([loadInvitations(), loadNotifications(), loadDelivery()]).catch((error) => say("#notification-status", error.detail));
}

load();
