// Sign in, then back where the visitor was heading: the server checked it is on this site and put it
// on <main data-next> (frontend/views.py safe_next); the address bar is never read here.
import { signIn } from "./api.js";
import { $ } from "./dom.js";
import { onSubmit, showErrors } from "./forms.js";
import { startPage } from "./layout.js";

const nextPath = $("#main").dataset.next || "/";
const form = $("#login-form");

startPage().then((me) => me && location.replace(nextPath));
onSubmit(form, (data) => signIn(data.get("username"), data.get("password")).then(() => location.assign(nextPath), (error) => showErrors(form, error)));
