// `#/teach/:id/conversations/:threadId`: one student's conversation with the tutor, read-only, with the
// flags on each message, the sources and tool calls of the tutor's answers and the model that wrote them.

import { api } from "../api.js";
import { h, alertBox } from "../dom.js";
import { AnswerView } from "./chat_message.js";
import { oversightFrame, coursePath, teachHref, flagBadges, count, when } from "./oversight.js";

function messageHeader(who, message) {
  return h("header.msg-meta", null,
    h("span.msg-author", null, who), " · ",
    h("time", { datetime: message.created_at }, when(message.created_at)),
    message.model ? h("span.meta", null, ` · ${message.model}`) : null,
    flagBadges(message.flags));
}

function studentMessage(student, message) {
  return h("article.msg.msg-user.msg-reviewed", { dataset: { message: message.id } },
    h("h3.visually-hidden", null, student),
    messageHeader(student, message),
    h("p", null, message.content));
}

function tutorMessage(message) {
  const view = AnswerView.fromStored(message);
  view.el.dataset.message = message.id;
  view.el.prepend(messageHeader("Tutor", message));
  return view.el;
}

/** `#/teach/:id/conversations/:threadId`. */
export async function conversationView(main, { id, threadId }) {
  const course = await oversightFrame(main, id, {
    tab: "conversations", title: "Conversation", crumbs: [[teachHref(id, "/conversations"), "Conversations"]],
    denied: "Only this course's instructor can review its conversations.",
  });
  if (!course) return;
  const back = h("p", null, h("a", { href: teachHref(course.id, "/conversations") }, "← All conversations"));
  let thread;
  try {
    thread = await api(coursePath(course.id, `conversations/${encodeURIComponent(threadId)}/`));
  } catch (err) {
    const text = err.status === 404 ? "This conversation does not exist, or has no messages you can read." : err.message;
    main.append(alertBox(text, err.status === 403 ? "notice" : "error"), back,
      err.status === 403 ? h("p", null, h("a", { href: teachHref(course.id, "/tutor-policy") }, "Change the tutor policy")) : null);
    return;
  }
  const messages = thread.messages || [];
  main.append(back,
    h("section.card.thread-facts", { "aria-labelledby": "thread-heading" },
      h("h2", { id: "thread-heading" }, `Conversation with ${thread.student}`),
      h("dl.facts", null,
        h("dt", null, "Student"), h("dd", null, thread.student),
        h("dt", null, "Messages you can read"), h("dd", null, count(messages.length)),
        h("dt", null, "Last message"), h("dd", null, h("time", { datetime: thread.last_message_at }, when(thread.last_message_at))),
        h("dt", null, "Flags"), h("dd", null, flagBadges(thread.flags) || "None"))),
    messages.length
      ? h("div.chat-log.review-log", { role: "log", "aria-label": `Conversation with ${thread.student}`, tabindex: "0" },
        messages.map((m) => (m.role === "user" ? studentMessage(thread.student, m) : tutorMessage(m))))
      : h("p", null, "No messages you can read in this conversation."),
    h("p.meta", null, "Only messages written while conversation review was on are shown."));
}
