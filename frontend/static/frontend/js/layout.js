// The header every page shares: who is signed in, sign out, and the alliance queue link for leads.
import { currentUser, signOut } from "./api.js";
import { $, announce, el } from "./dom.js";

function goToSignIn() {
  location.assign(`/login/?next=${encodeURIComponent(location.pathname + location.search)}`);
}

function renderAccount(me) {
  const account = $("#account");
  if (!me) {
    account.replaceChildren(el("a", { href: "/login/" }, "Sign in"));
    return;
  }
  const button = el("button", { type: "button", class: "link-button", id: "sign-out" }, "Sign out");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await signOut();
      location.assign("/login/");
    } catch (error) {
      button.disabled = false;
      announce(error.detail);
    }
  });
  account.replaceChildren(el("span", { class: "who" }, me.name), button);
  $("#nav-alliance").hidden = !me.memberships.some((m) => m.role === "lead");
}

/** Fill the header; resolves to the signed-in user (or null). `signedIn`: send visitors to sign in. */
export async function startPage({ signedIn = false } = {}) {
  const me = await currentUser();
  renderAccount(me);
  if (signedIn && !me) goToSignIn();
  return me;
}

