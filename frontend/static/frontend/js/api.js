// The one way the pages talk to the server: JSON over fetch, session cookie + CSRF header,
// and every failure turned into an ApiError carrying the API's {code, detail, errors, conditions}.

const BASE = "/api/v1/";

export class ApiError extends Error {
  constructor(status, body) {
    super(body.detail || `The server answered ${status}.`);
    this.status = status;
    this.code = body.code || "error";
    this.detail = this.message;
    this.errors = body.errors || {};
    this.conditions = body.conditions || [];
  }
}

function csrfToken() {
  // Read on every call: Django rotates the token when the user signs in.
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function url(path, query) {
  const full = new URL(path.startsWith("/") ? path : BASE + path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") full.searchParams.set(key, value);
  }
  return full.pathname + full.search;
}

function parseBody(status, text) {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return { code: "server_error", detail: `Something went wrong on the server (${status}). Try again in a moment.` };
  }
}

/** GET/POST/PATCH/DELETE a path under /api/v1/ (or an absolute path); resolves to the parsed body. */
export async function api(path, { method = "GET", body, query } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url(path, query), {
      method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { code: "network", detail: "Could not reach the server. Check your connection and try again." });
  }
  const data = parseBody(response.status, await response.text());
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Every result of a paginated list (following `next`), for lists a page shows whole. */
export async function listAll(path, query = {}) {
  let page = await api(path, { query: { page_size: 100, ...query } });
  const rows = [...page.results];
  while (page.next) {
    page = await api(new URL(page.next).pathname + new URL(page.next).search);
    rows.push(...page.results);
  }
  return rows;
}

/** Multipart POST with upload progress (fetch cannot report it; XMLHttpRequest can). */
export function upload(path, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url(path));
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("Accept", "application/json");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total));
    };
    request.onload = () => {
      const data = parseBody(request.status, request.responseText);
      if (request.status >= 200 && request.status < 300) resolve(data);
      else reject(new ApiError(request.status, data));
    };
    request.onerror = () => reject(new ApiError(0, { code: "network", detail: "The upload failed: check your connection and try again." }));
    request.send(formData);
  });
}

let sessionPromise;

/** The signed-in user (from /me/) or null; also sets the CSRF cookie. Fetched once per page. */
export function currentUser() {
  sessionPromise ??= api("auth/session/").then((me) => (me && me.id ? me : null));
  return sessionPromise;
}

export const signIn = (username, password) => api("auth/session/", { method: "POST", body: { username, password } });
export const signOut = () => api("auth/session/", { method: "DELETE" });

let taxonomyPromise;
/** The fixed choices (subjects, phases, statuses, stages and their fields...), fetched once per page. */
export function taxonomy() {
  taxonomyPromise ??= api("taxonomy/");
  return taxonomyPromise;
}
