// `#/chat` and `#/chat/:threadId`: threads, course selector, Socratic toggle and the streamed answer.

import { api, authFetch, ApiError } from "../api.js";
import { h, field, alertBox, pageTitle, announce } from "../dom.js";
import { readEvents } from "../sse.js";
import { navigate } from "../router.js";
import { AnswerView, userMessage } from "./chat_message.js";
import { chatOversight } from "./chat_oversight.js";

function threadList(threads, activeId, onDelete) {
  if (!threads.length) return h("p.meta", null, "No conversations yet.");
  return h("ul.threads", null, threads.map((t) => h("li", { class: t.id === activeId ? "active" : null },
    h("a", { href: `#/chat/${encodeURIComponent(t.id)}`, "aria-current": t.id === activeId ? "page" : null },
      t.title || "Untitled"),
    h("button.icon", { type: "button", "aria-label": `Delete conversation “${t.title}”`, onclick: () => onDelete(t) }, "×"))));
}

/** Chat page. */
export async function chatView(main, { threadId }) {
  const [enrollments, threads, thread] = await Promise.all([
    api("/api/enrollments/"),
    api("/api/chat/threads/"),
    threadId ? api(`/api/chat/threads/${encodeURIComponent(threadId)}/`).catch((err) => err) : null,
  ]);
  let currentThread = thread instanceof ApiError ? null : thread;
  const threadsBox = h("nav.thread-nav", { "aria-label": "Conversations" });
  const deleteThread = async (t) => {
    if (!window.confirm(`Delete the conversation “${t.title}”?`)) return;
    await api(`/api/chat/threads/${encodeURIComponent(t.id)}/`, { method: "DELETE" });
    announce("Conversation deleted");
    navigate(t.id === (currentThread && currentThread.id) ? "/chat" : `/chat/${currentThread ? currentThread.id : ""}`.replace(/\/$/, ""));
  };
  const renderThreads = (list) => threadsBox.replaceChildren(
    h("h2", null, "Conversations"),
    h("a.button.primary", { href: "#/chat" }, "+ New conversation"),
    threadList(list, currentThread && currentThread.id, deleteThread));
  renderThreads(threads);

  const course = h("select", { name: "course_id" },
    h("option", { value: "" }, "All my courses"),
    enrollments.map((e) => h("option", { value: e.course_id }, e.course_title || e.course_id)));
  const selected = currentThread?.course_id;
  if (selected) {
    if (![...course.options].some((o) => o.value === selected)) course.append(h("option", { value: selected }, selected));
    course.value = selected;
  }
  const oversight = chatOversight(new Set(enrollments.map((e) => e.course_id)));
  course.addEventListener("change", () => oversight.setCourse(course.value));
  oversight.setCourse(course.value, currentThread?.review);
  const socratic = h("input", { type: "checkbox", name: "socratic", id: "socratic" });
  const log = h("div.chat-log", { role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
  const message = h("textarea", { name: "message", rows: 3, maxlength: 4000, required: true,
    placeholder: "Ask about your course, e.g. “How do I build a list of squares?”" });
  const send = h("button.primary", { type: "submit" }, "Send");
  const stop = h("button", { type: "button", hidden: true }, "Stop");
  const status = h("div");
  const form = h("form.composer", null, status, field("Your message", message, "Enter sends; Shift+Enter adds a line."),
    h("div.actions", null, send, stop));

  if (thread instanceof ApiError) log.append(alertBox(thread.status === 404 ? "This conversation does not exist." : thread.message));
  if (currentThread) {
    for (const m of currentThread.messages) {
      log.append(m.role === "user" ? userMessage(m.content) : AnswerView.fromStored(m).el);
    }
    const last = currentThread.messages.filter((m) => m.role === "user").at(-1);
    if (last && last.mode === "socratic") socratic.checked = true;
  } else {
    log.append(h("p.meta.empty", null, "Ask the tutor anything about your courses. Answers cite the course material."));
  }

  let controller = null;
  message.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  stop.addEventListener("click", () => controller && controller.abort());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = message.value.trim();
    if (!text || controller) return;
    status.replaceChildren();
    log.querySelector(".empty")?.remove();
    log.append(userMessage(text));
    const answer = new AnswerView();
    log.append(answer.el);
    answer.el.scrollIntoView({ block: "end" });
    message.value = "";
    const body = { message: text, mode: socratic.checked ? "socratic" : "answer" };
    if (currentThread) body.thread_id = currentThread.id;
    if (course.value) body.course_id = course.value;
    controller = new AbortController();
    // Leaving the page stops generation (the server keeps the partial answer, marked incomplete).
    const leave = () => controller && controller.abort();
    window.addEventListener("hashchange", leave, { once: true });
    send.disabled = true;
    stop.hidden = false;
    let threadFromServer = null;
    try {
      const response = await authFetch("/api/chat/stream/", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      await readEvents(response, (type, data) => {
        answer.event(type, data);
        // `start` names the thread at once, so a stopped answer's thread is still the one continued.
        if (type === "start" || type === "done") threadFromServer = data.thread_id;
        if (type === "start" && data.review) oversight.setReview(data.review, data.course_id);
        if (type === "token" || type === "citation") log.scrollTop = log.scrollHeight;
      });
      announce("The tutor has answered.");
    } catch (err) {
      if (err.name === "AbortError") answer.note("Stopped. The partial answer is kept in this conversation.", "notice");
      else answer.note(err.message || "The tutor is unavailable right now.", "error");
      if (err.name !== "AbortError" && !message.value) message.value = text; // ready to send again
    } finally {
      window.removeEventListener("hashchange", leave);
      answer.finish();
      controller = null;
      send.disabled = false;
      stop.hidden = true;
      message.focus();
    }
    if (threadFromServer && !currentThread) {
      currentThread = { id: threadFromServer, course_id: body.course_id || null };
      // Give the conversation its own address without re-rendering the page.
      history.replaceState(null, "", `#/chat/${encodeURIComponent(threadFromServer)}`);
    }
    oversight.refreshUsage();
    try {
      renderThreads(await api("/api/chat/threads/"));
    } catch {
      // The thread list refreshes on the next visit.
    }
  });

  main.append(pageTitle(h("h1", null, "Tutor chat"), "Tutor chat"),
    h("div.chat-layout", null, threadsBox,
      h("section.chat-main", { "aria-label": "Chat" },
        h("div.chat-settings", null,
          field("Course", course),
          h("div.field.toggle", null, socratic, h("label", { for: "socratic" }, "Socratic mode"),
            h("small.hint", null, "Hints and questions instead of the answer."))),
        oversight.notice, log, form, oversight.usage)));
}
