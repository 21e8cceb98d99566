// The project group: its members, asking to join, and the lead's answers to join requests.
import { api } from "./api.js";
import { $, announce, el, formatDate, replace } from "./dom.js";
import { showErrorBox, showErrors, whileBusy } from "./forms.js";

function joinForm(page) {
  const form = el("form", { id: "join-form", class: "panel", novalidate: true },
    el("h3", {}, "Join this project"),
    el("div", { class: "field" },
      el("label", { for: "join-message" }, "Message to the project lead (optional)"),
      el("textarea", { id: "join-message", name: "message", rows: 2 })),
    el("button", { class: "button" }, "Ask to join"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(form, async () => {
      try {
        await api(`projects/${page.id}/join-requests/`, { method: "POST", body: { message: form.message.value } });
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
  if (!page.project.permissions.join) return replace($("#join"));
  const pending = (await api(`projects/${page.id}/join-requests/`))
    .find((r) => r.status === "pending" && r.user.id === page.me.id);
  replace($("#join"), pending
    ? el("p", { class: "panel", id: "join-pending" }, `You asked to join on ${formatDate(pending.created_at)}. The project lead will answer.`)
    : joinForm(page));
}

async function decide(page, request, verb, errorBox) {
  try {
    await api(`projects/${page.id}/join-requests/${request.id}/${verb}/`, { method: "POST" });
    announce(`${request.user.name}: request ${verb === "approve" ? "approved" : "declined"}.`);
    await page.refreshSummary();  // a new school may meet a condition for moving on
    await renderMembers(page);
  } catch (error) {
    showErrorBox(errorBox, error);
  }
}

async function renderRequests(page) {
  if (!page.project.permissions.manage_members) return replace($("#join-requests"));
  const requests = (await api(`projects/${page.id}/join-requests/`)).filter((r) => r.status === "pending");
  const errorBox = el("div", { class: "error-summary", role: "alert", tabindex: "-1", hidden: true });
  const button = (request, verb, style) => el("button", {
    type: "button", class: `button ${style}`, onclick: () => decide(page, request, verb, errorBox),
  }, `${verb === "approve" ? "Approve" : "Decline"} ${request.user.name}`);
  replace($("#join-requests"), requests.length > 0 && [el("h3", {}, "Asking to join"), errorBox,
    el("ul", { class: "plain" }, requests.map((request) => el("li", { class: "card" },
      el("p", {}, el("strong", {}, request.user.name), ` — ${request.school.name}, asked on ${formatDate(request.created_at)}`),
      request.message && el("p", {}, `“${request.message}”`),
      el("div", { class: "actions" }, button(request, "approve", ""), button(request, "decline", "secondary")))))]);
}

export async function renderMembers(page) {
  const { members, lead } = page.project;
  replace($("#member-list"), members.map((m) => el("li", {},
    el("strong", {}, m.user.name), ` — ${m.school.name}`, m.user.id === lead.id && el("span", { class: "tag" }, "Project lead"))));
  try {
    await Promise.all([renderJoin(page), renderRequests(page)]);
  } catch (error) {
    announce(error.detail);
  }
}
