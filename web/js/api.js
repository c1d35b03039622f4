// API client: bearer tokens kept in memory and sessionStorage, one refresh on 401 then one retry.

const STORE = "tutor.session";
let session = readStore();
let refreshing = null;
const listeners = new Set();

function readStore() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE) || "null");
  } catch {
    return null;
  }
}

/** The signed-in session {access_token, refresh_token, user} or null. */
export function getSession() {
  return session;
}

/** The signed-in user or null. */
export function currentUser() {
  return session ? session.user : null;
}

/** Replace the session (null signs out) and tell listeners. */
export function setSession(next) {
  session = next;
  if (next) sessionStorage.setItem(STORE, JSON.stringify(next));
  else sessionStorage.removeItem(STORE);
  listeners.forEach((fn) => fn(next));
}

/** End the session on the server (its refresh token stops working), then forget it here. */
export async function endSession() {
  const token = session && session.refresh_token;
  setSession(null);
  if (!token) return;
  try {
    await fetch("/api/auth/logout/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: token }),
    });
  } catch {
    // Offline: the refresh token expires on its own; nothing else to do here.
  }
}

/** Call `fn(session)` whenever the session changes. */
export function onSessionChange(fn) {
  listeners.add(fn);
}

/** An HTTP or network failure with a message fit for the user. */
export class ApiError extends Error {
  constructor(status, message, { retryAfter = null, extra = null } = {}) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
    this.extra = extra;
  }
}

const GENERIC = {
  0: "The service cannot be reached. Check your connection and try again.",
  401: "Your session has expired. Please sign in again.",
  403: "You are not allowed to do that.",
  404: "Not found.",
  413: "That file is too large.",
  415: "That file type is not supported.",
  500: "The service had a problem. Please try again.",
  502: "The service is unavailable right now.",
  503: "The service is unavailable right now.",
};

/** Turn a failed response into an ApiError with the API's `detail` and, for 429, Retry-After. */
export async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const status = response.status;
  let message = (body && (body.detail || body.error)) || GENERIC[status] || `Request failed (${status}).`;
  // Validation errors list each field: "password: String should have at least 8 characters".
  if (body && Array.isArray(body.extra) && body.extra.length) {
    const fields = body.extra.map((e) => {
      const where = (e.loc || e.key ? [].concat(e.loc || e.key) : []).filter((p) => p !== "body").join(".");
      return `${where ? `${where}: ` : ""}${e.message || ""}`.trim();
    }).filter(Boolean);
    if (fields.length) message = `${message.replace(/\.$/, "")}: ${fields.join("; ")}`;
  }
  const retryAfter = response.headers.get("Retry-After");
  if (status === 429) {
    message = `Too many requests. ${retryAfter ? `Try again in ${retryAfter} s.` : "Try again shortly."}`;
  }
  return new ApiError(status, message, { retryAfter, extra: body && body.extra });
}

async function refreshTokens() {
  if (!session || !session.refresh_token) return false;
  if (!refreshing) {
    refreshing = (async () => {
      const response = await fetch("/api/auth/refresh/", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: session.refresh_token }),
      }).catch(() => null);
      if (!response || !response.ok) return false;
      const tokens = await response.json();
      setSession({ ...session, ...tokens, user: tokens.user || session.user });
      return true;
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

/**
 * fetch() with the bearer token; on 401 refreshes once and retries once.
 * @returns {Promise<Response>} a successful response (throws ApiError otherwise)
 */
export async function authFetch(path, init = {}) {
  const attempt = () => {
    const headers = new Headers(init.headers || {});
    if (session) headers.set("Authorization", `Bearer ${session.access_token}`);
    return fetch(path, { ...init, headers });
  };
  let response;
  try {
    response = await attempt();
    if (response.status === 401 && session && (await refreshTokens())) response = await attempt();
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, GENERIC[0]);
  }
  if (response.status === 401 && session) {
    setSession(null);
    throw new ApiError(401, GENERIC[401]);
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/**
 * JSON API call.
 * @param {string} path e.g. "/api/courses/"
 * @param {{method?: string, body?: any, query?: object, form?: FormData, signal?: AbortSignal}} options
 */
export async function api(path, { method = "GET", body, query, form, signal } = {}) {
  let url = path;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === "") continue;
      [value].flat().forEach((v) => params.append(key, v));
    }
    const text = params.toString();
    if (text) url += `?${text}`;
  }
  const init = { method, signal };
  if (form) init.body = form;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "Content-Type": "application/json" };
  }
  const response = await authFetch(url, init);
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json() : response.text();
}

/** Sign in; stores the session. */
export async function login(email, password) {
  setSession(null);
  const data = await api("/api/auth/login/", { method: "POST", body: { email, password } });
  setSession(data);
  return data.user;
}

/** Sign in with the one-time code of an LMS launch; stores the session and answers where to open. */
export async function exchangeLaunchCode(code) {
  const { target, ...data } = await api("/api/auth/lti/exchange/", { method: "POST", body: { code } });
  setSession(data);
  return target;
}

/** Create a student account, then sign in. */
export async function register(fields) {
  await api("/api/auth/register/", { method: "POST", body: fields });
  return login(fields.email, fields.password);
}

/** Re-read the signed-in user (role, profile) from the API. */
export async function refreshMe() {
  if (!session) return null;
  const user = await api("/api/auth/me/");
  setSession({ ...session, user });
  return user;
}
