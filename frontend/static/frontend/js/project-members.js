// The project group: members, asking to join, the lead's answers.
import { api } from "./api.js";
import { $, announce, el, formatDate, replace } from "./dom.js";
import { onSubmit, showErrorBox, showErrors } from "./forms.js";

function renderJoin({ project }) {
  $("#join-pending").hidden = project.my_join_request?.status !== "pending";
  $("#join-form").hidden = !$("#join-pending").hidden || !project.permissions.join;
}

async function decide(page, request, verb) {
  try {
    await api(`projects/${page.id}/join-requests/${request.id}/${verb}/`, { method: "POST" });
    announce(`${request.user.name}: request ${verb}d.`);
    await page.refreshSummary(); // a new school may meet a condition
    await renderMembers(page);
  } catch (error) {
    showErrorBox($("#join-error"), error);
  }
}

async function renderRequests(page) {
  if (!page.project.permissions.manage_members) return;
  const requests = (await api(`projects/${page.id}/join-requests/`)).filter((r) => r.status === "pending");
  const button = (request, verb, style) => el("button", { type: "button", class: `button ${style}`, onclick: () => decide(page, request, verb) },
    `${verb === "approve" ? "Approve" : "Decline"} ${request.user.name}`);
  replace($("#join-requests"), requests.length > 0 && [el("h3", "Asking to join"),
    el("ul.plain", requests.map((request) => el("li.card",
      el("p", el("strong", request.user.name), ` — ${request.school.name}, asked on ${formatDate(request.created_at)}`),
      request.message && el("p", `“${request.message}”`),
      el("div.actions", button(request, "approve", ""), button(request, "decline", "secondary")))))]);
}

/** The lead's "Invite a colleague": find alliance teachers by name, invite one (they answer in their inbox). */
function renderInvite(page) {
  const form = $("#invite-form");
  form.hidden = !page.project.permissions.invite;
  if (form.hidden) return;
  const say = (message) => { $("#invite-status").textContent = ""; setTimeout(() => { $("#invite-status").textContent = message; }, 50); };
  const showWaiting = async () => {
    const waiting = (await api(`projects/${page.id}/invitations/`)).filter((i) => i.status === "pending");
    replace($("#invitations-waiting"), waiting.length > 0 && [el("h4", "Invited, not yet answered"),
      el("ul.plain", waiting.map((i) => el("li", `${i.invitee.name}, invited on ${formatDate(i.created_at)}`)))]);
  };
  async function invite(colleague, button) {
    try {
      await api(`projects/${page.id}/invitations/`, { method: "POST", body: { user: colleague.user.id } });
      button.disabled = true;
      button.textContent = `${colleague.user.name}: invited`;
      say(`${colleague.user.name} has been invited. They will see it in their inbox.`);
      await showWaiting();
    } catch (error) {
      say(error.detail);
    }
  }
  showWaiting().catch((error) => say(error.detail));
  const result = (colleague) => {
    const button = el("button.button.secondary", { type: "button", disabled: colleague.invited },
      colleague.invited ? `${colleague.user.name}: invited` : `Invite ${colleague.user.name}`);
    button.addEventListener("click", () => invite(colleague, button));
    return el("li", el("strong", colleague.user.name), ` — ${colleague.school.name} `, button);
  };
  onSubmit(form, async (data) => {
    try {
      const found = await api(`projects/${page.id}/invitable-members/`, { query: { search: data.get("search").trim() } });
      replace($("#invite-results"), found.map(result));
      say(found.length ? `${found.length} colleague${found.length === 1 ? "" : "s"} found.` : "No colleague of the alliance outside the group has that name.");
    } catch (error) {
      say(error.detail);
    }
  });
}

export async function renderMembers(page) {
  const { members, lead } = page.project;
  const form = $("#join-form");
  replace($("#member-list"), members.map((m) => el("li",
    el("strong", m.user.name), ` — ${m.school.name}`, m.user.id === lead.id && el("span.tag", "Project lead"))));
  renderJoin(page);
  renderInvite(page);
  onSubmit(form, async (data) => {
    try {
      page.project.my_join_request = await api(`projects/${page.id}/join-requests/`, { method: "POST", body: { message: data.get("message") } });
      announce("Your request has been sent to the project lead.");
      renderJoin(page);
    } catch (error) {
      showErrors(form, error);
    }
  });
  await renderRequests(page).catch((error) => announce(error.detail));
}
