// One assistant answer: tool activity, streamed text, notices/errors and citations linking to the lesson.

import { h } from "../dom.js";
import { renderMarkdown } from "../markdown.js";

const TOOL_LABELS = {
  search_course_material: "Searching the course material",
  list_courses: "Looking through the catalogue",
  enroll: "Enrolling you",
  get_progress: "Reading your progress",
  get_recommendations: "Finding recommendations",
  get_weak_areas: "Checking your weak areas",
};

function toolLabel(name) {
  return TOOL_LABELS[name] || `Using ${String(name).replace(/_/g, " ")}`;
}

/** A sentence for a tool result, e.g. "Enrolled you in Building Web APIs in Python". */
export function toolSummary(data) {
  const summary = String(data.summary || "");
  // A paid course waiting for the student's yes is not a failure (the reply asks for it), nor is an enroll
  // the student never asked for: their summaries say what happened.
  if (!data.ok && ["confirmation_required", "not_requested"].includes(data.code)) return `${toolLabel(data.name)}: ${summary}`;
  if (!data.ok) return `${toolLabel(data.name)} failed${summary ? `: ${summary}` : ""}`;
  if (data.name === "enroll" && /^enrolled in /i.test(summary)) return `Enrolled you in ${summary.replace(/^enrolled in /i, "")}`;
  return `${toolLabel(data.name)}: ${summary || "done"}`;
}

/** The lesson link of a citation (with the passage to highlight), or null when it has no lesson. */
export function citationHref(item) {
  const c = item.citation || item;
  if (!c.course_id) return null;
  const course = `#/courses/${encodeURIComponent(c.course_id)}`;
  if (!c.lesson_id) return course;
  const params = new URLSearchParams();
  if (item.snippet) params.set("hl", item.snippet.slice(0, 400));
  if (c.char_start !== null && c.char_start !== undefined) params.set("cs", String(c.char_start));
  if (c.char_end !== null && c.char_end !== undefined) params.set("ce", String(c.char_end));
  if (c.source_name) params.set("src", c.source_name);
  if ((c.heading_path || []).length) params.set("hp", c.heading_path.slice(1).join(" › "));
  if (c.page !== null && c.page !== undefined) params.set("p", String(c.page));
  if (c.start_seconds !== null && c.start_seconds !== undefined) params.set("t", String(c.start_seconds));
  return `${course}/lessons/${encodeURIComponent(c.lesson_id)}?${params}`;
}

function citationItem(item, index) {
  const c = item.citation || item;
  const n = item.n ?? index + 1;
  const where = (c.heading_path || []).slice(1).join(" › ") || c.source_name || "source";
  const place = [c.source_name, c.page ? `p. ${c.page}` : null,
    c.start_seconds !== null && c.start_seconds !== undefined ? `${Math.floor(c.start_seconds / 60)}:${String(Math.floor(c.start_seconds % 60)).padStart(2, "0")}` : null]
    .filter(Boolean).join(", ");
  const href = citationHref(item);
  const label = h("span", null, `[${n}] `, where);
  return h("li.citation", { dataset: { n: String(n) } },
    href ? h("a", { href }, label) : label,
    place ? h("span.meta", null, ` (${place})`) : null,
    item.snippet ? h("p.snippet", null, item.snippet) : null);
}

/** Turn "[n]" markers in the answer's text into links to the cited lesson passage. */
function linkMarkers(root, hrefs) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) if (!walker.currentNode.parentElement.closest("code, pre")) nodes.push(walker.currentNode);
  for (const node of nodes) {
    const parts = node.data.split(/(\[\d{1,2}\])/);
    if (parts.length === 1) continue;
    node.replaceWith(...parts.map((part) => {
      const n = /^\[(\d+)\]$/.exec(part);
      const href = n && hrefs.get(n[1]);
      return href ? h("a.cite-ref", { href, "aria-label": `Source ${n[1]}` }, part) : part;
    }));
  }
}

/** The DOM of one assistant message, fed event by event. */
export class AnswerView {
  constructor() {
    this.activity = h("ul.activity", { "aria-label": "Tutor activity" });
    this.textNode = document.createTextNode("");
    this.body = h("div.answer-text", null, this.textNode);
    this.notes = h("div.notes");
    this.citations = h("ol.citations");
    this.citationsBox = h("section.citations-box", { hidden: true, "aria-label": "Sources" },
      h("h3", null, "Sources"), this.citations);
    this.seen = new Set();
    this.hrefs = new Map();
    this.tools = new Map();
    this.el = h("article.msg.msg-assistant", { "aria-busy": "true" },
      h("h3.visually-hidden", null, "Tutor"), this.activity, this.body, this.notes, this.citationsBox);
  }

  /** Handle one server-sent event. */
  event(type, data) {
    if (type === "start") {
      // The turn is accepted and stored; say so until the tutor's first word or action arrives.
      this.thinking = h("li.tool.running", null, "Thinking…");
      this.activity.append(this.thinking);
      return;
    }
    this.stopThinking();
    if (type === "token") this.textNode.appendData(String(data.text ?? ""));
    else if (type === "tool_call") this.toolCall(data);
    else if (type === "tool_result") this.toolResult(data);
    else if (type === "citation") this.addCitation(data);
    else if (type === "notice") {
      if (data.discard_partial) this.textNode.data = "";
      this.note(data.message || "Notice from the tutor.", "notice");
    } else if (type === "error") this.note(data.message || "The tutor hit an error.", "error");
    else if (type === "done") this.done(data);
  }

  toolCall(data) {
    const li = h("li.tool.running", null, `${toolLabel(data.name)}…`);
    this.tools.set(data.id, li);
    this.activity.append(li);
  }

  toolResult(data) {
    let li = this.tools.get(data.id);
    if (!li) {
      li = h("li.tool");
      this.activity.append(li);
    }
    const waiting = !data.ok && data.code === "confirmation_required";
    li.className = `tool ${data.ok ? "ok" : waiting ? "waiting" : "failed"}`;
    li.textContent = `${data.ok ? "✓" : waiting ? "…" : "✗"} ${toolSummary(data)}`;
  }

  addCitation(item) {
    const c = item.citation || item;
    const key = c.chunk_id || `${c.source_name}#${item.n}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.hrefs.set(String(item.n ?? this.citations.children.length + 1), citationHref(item));
    this.citations.append(citationItem(item, this.citations.children.length));
    this.citationsBox.hidden = false;
  }

  note(message, kind) {
    this.notes.append(h(`div.alert.alert-${kind}`, { role: kind === "error" ? "alert" : "status" }, message));
  }

  /** Final payload: the full answer replaces the streamed text (rendered as Markdown). */
  done(data) {
    const answer = data.answer ?? this.textNode.data;
    const all = data.citations || [];
    // Sources searched while answering stream in as they are found; once the answer is final, only the
    // ones it cites stay listed (a declined question cites none, so it lists none).
    const judged = all.some((c) => c.cited !== undefined);
    if (judged) {
      this.citations.replaceChildren();
      this.seen.clear();
      this.citationsBox.hidden = true;
    }
    all.filter((c) => !judged || c.cited).forEach((c) => this.addCitation(c));
    if (answer) {
      const rendered = renderMarkdown(answer, { headingOffset: 3 });
      linkMarkers(rendered, this.hrefs);
      this.body.replaceChildren(rendered);
    }
    if (data.incomplete) this.note("This answer is incomplete.", "notice");
    this.finish();
  }

  stopThinking() {
    if (this.thinking) this.thinking.remove();
    this.thinking = null;
  }

  /** Streaming is over (done, error or stopped). */
  finish() {
    this.stopThinking();
    this.el.setAttribute("aria-busy", "false");
    this.activity.querySelectorAll("li.running").forEach((li) => li.classList.remove("running"));
  }

  /** Fill from a stored thread message. */
  static fromStored(message) {
    const view = new AnswerView();
    (message.tool_calls || []).forEach((t) => view.toolResult(t));
    view.done({ answer: message.content, citations: message.citations, incomplete: message.incomplete });
    return view;
  }
}

/** A user's message bubble. */
export function userMessage(text) {
  return h("article.msg.msg-user", null, h("h3.visually-hidden", null, "You"), h("p", null, text));
}
