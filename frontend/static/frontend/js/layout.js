// The shared header: who is signed in, sign out, the queue link for alliance leads.
import { currentUser, signOut } from "./api.js";
import { $, announce, el } from "./dom.js";
import { showUnreadCount } from "./inbox-count.js";

function renderAccount(me) {
  if (!me) return $("#account").replaceChildren(el("a", { href: "/login/" }, "Sign in"));
  const button = el("button.link-button", { type: "button" }, "Sign out");
  button.addEventListener("click", () => signOut().then(() => location.assign("/login/"), (error) => announce(error.detail)));
  $("#account").replaceChildren(el("span", me.name), button);
  $("#nav-alliance").hidden = !me.memberships.some((m) => m.role === "lead");
  showUnreadCount();
}

/** Fill the header → the signed-in user or null; `signedIn`: send visitors to sign in. */
export async function startPage({ signedIn = false } = {}) {
  const me = await currentUser();
  renderAccount(me);
  if (signedIn && !me) location.assign(`/login/?next=${encodeURIComponent(location.pathname + location.search)}`);
  return me;
}

