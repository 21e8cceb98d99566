// The project group: its members, asking to join, and the lead's answers to join requests.
import { api } from "./api.js";
import { $, announce, el, formatDate, replace } from "./dom.js";
import { showErrorBox, showErrors, whileBusy } from "./forms.js";

function memberList({ project }) {
  replace($("#member-list"), project.members.map((member) => el("li", {},
    el("strong", {}, member.user.name), ` — ${member.school.name}`,
    member.user.id === project.lead.id && el("span", { class: "tag" }, "Project lead"))));
}

function joinForm(page) {
  const form = el("form", { id: "join-form", class: "panel", novalidate: true },
    el("h3", {}, "Join this project"),
    el("div", { class: "field" },
      el("label", { for: "join-message" }, "Message to the project lead (optional)"),
      el("textarea", { id: "join-message", name: "message", rows: 2 })),
    el("button", { type: "submit", class: "button" }, "Ask to join"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(form, async () => {
      try {
        await api(`projects/${page.project.id}/join-requests/`, { method: "POST", body: { message: form.message.value } });
        announce("Your request has been sent to the project lead.");
        await renderJoin(page);
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
  return form;
}

async function renderJoin(page) {
  const { project, me } = page;
  const area = $("#join");
  if (!me || !project.permissions.join) return replace(area);
  const mine = await api(`projects/${project.id}/join-requests/`);
  const pending = mine.find((request) => request.user.id === me.id && request.status === "pending");
  if (pending) {
    return replace(area, el("p", { class: "panel", id: "join-pending" },
      `You asked to join on ${formatDate(pending.created_at)}. The project lead will answer.`));
  }
  return replace(area, joinForm(page));
}

async function decide(page, request, approve, errorBox) {
  try {
    await api(`projects/${page.project.id}/join-requests/${request.id}/${approve ? "approve" : "decline"}/`, { method: "POST" });
    announce(`${request.user.name} ${approve ? "has joined the project" : "was not added"}.`);
    await page.refreshSummary();
    renderMembers(page);
  } catch (error) {
    showErrorBox(errorBox, error);
  }
}

async function renderRequests(page) {
  const area = $("#join-requests");
  if (!page.project.permissions.manage_members) return replace(area);
  const requests = (await api(`projects/${page.project.id}/join-requests/`)).filter((r) => r.status === "pending");
  if (!requests.length) return replace(area);
  const errorBox = el("div", { class: "error-summary", role: "alert", tabindex: "-1", hidden: true });
  return replace(area, el("h3", {}, "Asking to join"), errorBox,
    el("ul", { class: "plain cards" }, requests.map((request) => el("li", { class: "card join-request" },
      el("p", {}, el("strong", {}, request.user.name), ` — ${request.school.name}, asked on ${formatDate(request.created_at)}`),
      request.message && el("p", {}, `“${request.message}”`),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "button", onclick: () => decide(page, request, true, errorBox) }, `Approve ${request.user.name}`),
        el("button", { type: "button", class: "button secondary", onclick: () => decide(page, request, false, errorBox) }, `Decline ${request.user.name}`))))));
}

export async function renderMembers(page) {
  memberList(page);
  try {
    await Promise.all([renderJoin(page), renderRequests(page)]);
  } catch (error) {
    announce(error.detail);
  }
}
