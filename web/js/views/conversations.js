// `#/teach/:id/conversations?page=N`: the course's tutor conversations the instructor may review (flagged
// ones first), under a pseudonym or the student's name as the course's tutor policy says.

import { api } from "../api.js";
import { h, alertBox, announce } from "../dom.js";
import { navigate } from "../router.js";
import { oversightFrame, coursePath, teachHref, flagBadges, count, when, REVIEW_LABELS } from "./oversight.js";

const PAGE_SIZE = 20;

function threadTable(course, items) {
  return h("div.table-scroll", null, h("table.conversations", null,
    h("caption", null, "Flagged conversations first, then the most recent."),
    h("thead", null, h("tr", null, ["Student", "Flags", "Messages", "Last message"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", null, items.map((t) => h("tr", { class: (t.flags || []).length ? "flagged" : null, dataset: { thread: t.thread_id } },
      h("th", { scope: "row" },
        h("a", { href: teachHref(course.id, `/conversations/${encodeURIComponent(t.thread_id)}`) }, t.student)),
      h("td", null, flagBadges(t.flags) || h("span.meta", null, "None")),
      h("td", null, count(t.messages)),
      h("td", null, h("time", { datetime: t.last_message_at }, when(t.last_message_at))))))));
}

function pager(course, data) {
  const pages = Math.max(1, Math.ceil((data.total || 0) / (data.page_size || PAGE_SIZE)));
  if (pages <= 1) return null;
  const go = (n, label) => h("a.button", { href: teachHref(course.id, `/conversations?page=${n}`) }, label);
  return h("nav.pager", { "aria-label": "Pages" },
    data.page > 1 ? go(data.page - 1, "← Previous") : null,
    h("span", null, `Page ${data.page} of ${pages}`),
    data.page < pages ? go(data.page + 1, "Next →") : null);
}

/** `#/teach/:id/conversations`. */
export async function conversationsView(main, { id }, query) {
  const course = await oversightFrame(main, id, {
    tab: "conversations", title: "Conversations", denied: "Only this course's instructor can review its conversations.",
  });
  if (!course) return;
  const policyLink = h("a", { href: teachHref(course.id, "/tutor-policy") }, "Change the tutor policy");
  const mode = course.tutor_policy?.conversation_review || "off";
  const page = Math.max(1, Number.parseInt(query.get("page") || "1", 10) || 1);
  let data;
  try {
    data = await api(coursePath(course.id, "conversations/"), { query: { page, page_size: PAGE_SIZE } });
  } catch (err) {
    if (err.status !== 403) throw err;
    main.append(alertBox(err.message, "notice"), h("p", null, policyLink));
    return;
  }
  const items = data.items || [];
  if (!items.length && page > 1 && data.total) {
    navigate(`/teach/${encodeURIComponent(course.id)}/conversations`, { replace: true });
    return;
  }
  main.append(h("p.review-mode", null, h("strong", null, "Review: "), REVIEW_LABELS[mode] || mode, " ", policyLink));
  const summary = h("p.meta", { role: "status" },
    `${count(data.total ?? items.length)} conversation(s) with messages you can read.`);
  main.append(h("section", { "aria-labelledby": "threads-heading" }, h("h2.visually-hidden", { id: "threads-heading" }, "Conversations"),
    summary,
    items.length
      ? [threadTable(course, items), pager(course, data)]
      : h("p", null, "No conversations to review yet. Messages students write while review is on appear here.")));
  announce(`${data.total ?? items.length} conversation(s)`);
}
