// The one way pages talk to the server: JSON over fetch with the session cookie and CSRF header.
// Every failure becomes an ApiError carrying the API's {code, detail, errors, conditions}.

export class ApiError extends Error {
  constructor(status, body) {
    super(body.detail || `The server answered ${status}.`);
    Object.assign(this, { status, code: body.code || "error", detail: this.message, errors: body.errors || {}, conditions: body.conditions || [] });
  }
}

// Read on every call: Django rotates the token when the user signs in.
const csrfToken = () => decodeURIComponent((document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "");

function url(path, query = {}) {
  const full = new URL(path.startsWith("/") ? path : `/api/v1/${path}`, location.origin);
  for (const [key, value] of Object.entries(query)) if (value !== "" && value != null) full.searchParams.set(key, value);
  return full.pathname + full.search;
}

function parse(status, text) {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return { code: "server_error", detail: `Something went wrong on the server (${status}). Try again in a moment.` };
  }
}

const NETWORK = { code: "network", detail: "Could not reach the server. Check your connection and try again." };

/** A request to a path under /api/v1/ (or an absolute path); resolves to the parsed body. */
export async function api(path, { method = "GET", body, query } = {}) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url(path, query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, NETWORK);
  }
  const data = parse(response.status, await response.text());
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Every row of a paginated list, following `next`. */
export async function listAll(path, query = {}) {
  let page = await api(path, { query: { page_size: 100, ...query } });
  const rows = [...page.results];
  while (page.next) {
    const next = new URL(page.next);
    page = await api(next.pathname + next.search);
    rows.push(...page.results);
  }
  return rows;
}

/** Multipart POST with upload progress, which fetch cannot report and XMLHttpRequest can. */
export function upload(path, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url(path));
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("Accept", "application/json");
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(Math.round((100 * event.loaded) / event.total));
    request.onload = () => {
      const data = parse(request.status, request.responseText);
      if (request.status < 300) resolve(data);
      else reject(new ApiError(request.status, data));
    };
    request.onerror = () => reject(new ApiError(0, NETWORK));
    request.send(formData);
  });
}

const once = (load) => { let promise; return () => (promise ??= load()); };

/** The signed-in user (as /me/) or null; the same request also sets the CSRF cookie. */
export const currentUser = once(() => api("auth/session/").then((me) => (me.id ? me : null)));
/** The fixed choices: subjects, phases, statuses, stages and their fields, kinds, visibilities, themes. */
export const taxonomy = once(() => api("taxonomy/"));
export const signIn = (username, password) => api("auth/session/", { method: "POST", body: { username, password } });
export const signOut = () => api("auth/session/", { method: "DELETE" });
