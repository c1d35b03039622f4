// DOM helpers: every string becomes a text node, so nothing from the API is ever parsed as HTML.

const PROPS = new Set(["value", "checked", "disabled", "selected", "hidden", "multiple", "required"]);

/**
 * Build an element.
 * @param {string} tag element name, optionally with classes: "div.card.wide"
 * @param {object|null} attrs attributes; `on*` functions become listeners, `dataset` an object
 * @param {...any} children strings, numbers, nodes, arrays or null/false (skipped)
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(" ");
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "class") {
      el.className = [el.className, value].filter(Boolean).join(" ");
    } else if (key === "style") {
      // Through the CSSOM: the Content-Security-Policy forbids style attributes, not this.
      el.style.cssText = String(value);
    } else if (PROPS.has(key)) {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Append children (strings become text nodes). */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Remove every child of `el`. */
export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Say `message` through the polite live region (screen readers). */
export function announce(message) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  // A fresh text node after a tick makes repeated messages announce again.
  setTimeout(() => { region.textContent = message; }, 30);
}

/** An alert box; `kind` is "error", "notice" or "ok". */
export function alertBox(message, kind = "error") {
  return h(`div.alert.alert-${kind}`, { role: kind === "error" ? "alert" : "status" }, message);
}

/** A labelled form field: returns the wrapper; the control gets a generated id. */
let fieldCounter = 0;
export function field(label, control, hint) {
  fieldCounter += 1;
  const id = control.id || `f${fieldCounter}`;
  control.id = id;
  const hintEl = hint ? h("small.hint", { id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div.field", null, h("label", { for: id }, label), control, hintEl);
}

/** Set the document title and move focus to the page heading (keyboard and screen-reader users). */
export function pageTitle(heading, text) {
  document.title = `${text} · Tutor`;
  heading.setAttribute("tabindex", "-1");
  requestAnimationFrame(() => heading.focus({ preventScroll: true }));
  return heading;
}

/** Format a number of seconds as "1 h 05 min" / "12 min". */
export function duration(seconds) {
  const minutes = Math.round((seconds || 0) / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** Percent text of a 0..1 value. */
export function pct(value) {
  return `${Math.round((Number(value) || 0) * 100)}%`;
}
