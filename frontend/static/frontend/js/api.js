// The API: JSON or multipart (XHR: upload progress), with the session and CSRF token.

export class ApiError extends Error {
  constructor(status, body) {
    super(body.detail || `Something went wrong on the server (${status}). Try again in a moment.`);
    Object.assign(this, { errors: {}, conditions: [] }, body, { status, code: body.code || "error", detail: this.message });
  }
}

/** A path under /api/v1/ (or absolute) → the parsed body; else an ApiError carrying it. */
export function api(path, { method = "GET", body, query = {}, onProgress } = {}) {
  const url = new URL(/^(\/|http)/.test(path) ? path : `/api/v1/${path}`, location.origin);
  for (const [key, value] of Object.entries(query)) if (value) url.searchParams.set(key, value);
  const json = body !== undefined && !(body instanceof FormData);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    request.setRequestHeader("Accept", "application/json");
    // Read on every call: Django rotates the token when the user signs in.
    request.setRequestHeader("X-CSRFToken", decodeURIComponent(document.cookie.match(/(?:^|; )csrftoken=([^;]+)/)?.[1] || ""));
    if (json) request.setRequestHeader("Content-Type", "application/json");
    if (onProgress) request.upload.onprogress = (event) => onProgress((100 * event.loaded) / event.total);
    request.onload = () => {
      let data = {};
      try {
        data = JSON.parse(request.responseText || "{}");
      } catch {} // not JSON: an error page
      if (request.status < 300) resolve(data);
      else reject(new ApiError(request.status, data));
    };
    request.onerror = () => reject(new ApiError(0, { code: "network", detail: "Could not reach the server. Check your connection and try again." }));
    request.send(json ? JSON.stringify(body) : body);
  });
}

export const upload = (path, body, onProgress) => api(path, { method: "POST", body, onProgress });

export async function listAll(path, query = {}) {
  let page = await api(path, { query: { page_size: 100, ...query } });
  const rows = page.results;
  while (page.next) rows.push(...(page = await api(page.next)).results);
  return rows;
}

const once = (load) => { let promise; return () => (promise ??= load()); };

/** The signed-in user or null; this request also sets the CSRF cookie. */
export const currentUser = once(() => api("auth/session/").then((me) => (me.id ? me : null)));
export const taxonomy = once(() => api("taxonomy/"));
export const signIn = (username, password) => api("auth/session/", { method: "POST", body: { username, password } });
export const signOut = () => api("auth/session/", { method: "DELETE" });
