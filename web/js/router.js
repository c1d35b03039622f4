// Hash-based router: "#/courses/python-intro/lessons/l-lists?hl=..." → handler({id, lessonId}, query).

const routes = [];
let fallback = null;

/**
 * Register a route.
 * @param {string} pattern e.g. "/courses/:id/lessons/:lessonId"
 * @param {(params: object, query: URLSearchParams) => any} handler
 */
export function route(pattern, handler) {
  const names = [];
  const source = pattern.replace(/:([A-Za-z]+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  routes.push({ regex: new RegExp(`^${source}/?$`), names, handler });
}

/** The handler for unknown paths. */
export function notFound(handler) {
  fallback = handler;
}

/** Split the current hash into path and query. */
export function location() {
  const hash = window.location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = hash.split("?");
  return { path, query: new URLSearchParams(search) };
}

/** Go to `path` (e.g. "/courses?q=x"). */
export function navigate(path, { replace = false } = {}) {
  const target = `#${path}`;
  if (window.location.hash === target) {
    dispatch();
  } else if (replace) {
    history.replaceState(null, "", target);
    dispatch();
  } else {
    window.location.hash = target;
  }
}

/** Run the handler matching the current hash. */
export function dispatch() {
  const { path, query } = location();
  for (const { regex, names, handler } of routes) {
    const match = regex.exec(path);
    if (match) {
      const params = {};
      names.forEach((name, i) => { params[name] = decodeURIComponent(match[i + 1]); });
      return handler(params, query);
    }
  }
  return fallback ? fallback(path) : null;
}

/** Start listening to hash changes and render the current one. */
export function start() {
  window.addEventListener("hashchange", dispatch);
  dispatch();
}
