// Shared by the instructor's oversight pages (conversations, content gaps, usage, tutor policy): the page
// frame with breadcrumbs and course tabs, flag badges, and number and date formatting.

import { api, currentUser } from "../api.js";
import { h, alertBox, pageTitle } from "../dom.js";
import { courseTabs } from "./teach_course.js";

/** Readable names of the flags the service puts on student messages. */
export const FLAG_LABELS = {
  quiz_answer_request: "Asked for quiz answers",
  prompt_injection: "Prompt injection attempt",
  abuse: "Abusive language",
};

/** How the course's conversations may be reviewed, in words. */
export const REVIEW_LABELS = {
  off: "Off: only the student reads their conversations.",
  anonymized: "Anonymized: you read conversations under a pseudonym, never the student's name or email.",
  named: "Named: you read conversations with the student's name.",
};

/** The API path of a course, with `rest` appended ("conversations/"). */
export function coursePath(courseId, rest = "") {
  return `/api/courses/${encodeURIComponent(courseId)}/${rest}`;
}

/** The web address of a course's management page, with `rest` appended ("/usage"). */
export function teachHref(courseId, rest = "") {
  return `#/teach/${encodeURIComponent(courseId)}${rest}`;
}

/** One badge per flag (unknown codes are shown with their words). */
export function flagBadges(flags) {
  const list = flags || [];
  if (!list.length) return null;
  return h("ul.flags", { "aria-label": "Flags" }, list.map((code) =>
    h("li.badge.flag", { dataset: { flag: code } }, FLAG_LABELS[code] || String(code).replace(/_/g, " "))));
}

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

/** "1,234" (or "—" for a missing value). */
export function count(value) {
  return value === null || value === undefined ? "—" : integer.format(Number(value) || 0);
}

/** "12.3K": short enough to sit above a bar. */
export function shortCount(value) {
  return compact.format(Number(value) || 0);
}

/** An estimated cost, in `currency` (an ISO code) when the API names one; small amounts keep four decimals. */
export function cost(value, currency) {
  const n = Number(value) || 0;
  const digits = { minimumFractionDigits: 2, maximumFractionDigits: n && n < 1 ? 4 : 2 };
  if (currency) {
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency, ...digits }).format(n);
    } catch {
      return `${n.toLocaleString(undefined, digits)} ${currency}`;
    }
  }
  return n.toLocaleString(undefined, digits);
}

/** A date and time from an ISO string, in the reader's locale. */
export function when(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

/**
 * Load the course and draw the page frame: breadcrumbs, heading, course tabs.
 * @param {HTMLElement} main the page
 * @param {string} id course id
 * @param {{tab: string, title: string, crumbs?: Array<[string, string]>, denied: string}} page
 * @returns {Promise<object|null>} the course, or null when the signed-in user is not its instructor
 */
export async function oversightFrame(main, id, { tab, title, crumbs = [], denied }) {
  const course = await api(coursePath(id));
  const trail = [h("a", { href: "#/teach" }, "Teach"), " › ", h("a", { href: teachHref(course.id) }, course.title)];
  for (const [href, label] of crumbs) trail.push(" › ", href ? h("a", { href }, label) : label);
  trail.push(" › ", title);
  main.append(h("nav.breadcrumbs", { "aria-label": "Breadcrumb" }, trail),
    pageTitle(h("h1", null, title), `${title} · ${course.title}`));
  if (course.instructor_id !== currentUser().id) {
    main.append(alertBox(denied));
    return null;
  }
  main.append(courseTabs(course, tab));
  return course;
}
