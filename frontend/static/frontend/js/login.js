// Sign in, then go back to where the visitor was heading.
import { signIn } from "./api.js";
import { $ } from "./dom.js";
import { showErrors, whileBusy } from "./forms.js";
import { startPage } from "./layout.js";

/** Only same-site paths: never follow ?next= off to another site. */
function nextPath() {
  const next = new URLSearchParams(location.search).get("next") || "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

const form = $("#login-form");
startPage().then((me) => {
  if (me) location.replace(nextPath());
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  whileBusy(form, async () => {
    try {
      await signIn(form.username.value, form.password.value);
      location.assign(nextPath());
    } catch (error) {
      showErrors(form, error);
    }
  });
});
