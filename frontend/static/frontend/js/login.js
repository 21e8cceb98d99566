// Sign in, then back where the visitor was heading (on this site only).
import { signIn } from "./api.js";
import { $ } from "./dom.js";
import { onSubmit, showErrors } from "./forms.js";
import { startPage } from "./layout.js";

const next = new URLSearchParams(location.search).get("next") || "/";
const nextPath = /^\/(?!\/)/.test(next) ? next : "/";
const form = $("#login-form");

startPage().then((me) => me && location.replace(nextPath));
onSubmit(form, (data) => signIn(data.get("username"), data.get("password")).then(() => location.assign(nextPath), (error) => showErrors(form, error)));
