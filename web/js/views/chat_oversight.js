// The student's side of instructor oversight in the chat: a notice when the selected course's instructor can
// read the conversation, and the student's own tutor use today against the course's daily cap.

import { api } from "../api.js";
import { h } from "../dom.js";

const REVIEW_NOTICES = {
  anonymized: "Your instructor can read conversations in this course (your name is hidden).",
  named: "Your instructor can read conversations in this course (shown with your name).",
};

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** "Today: 1,234 tokens of 20,000" (only the count without a cap). */
export function usageText(usage) {
  const used = integer.format(Number(usage.tokens) || 0);
  if (usage.daily_cap === null || usage.daily_cap === undefined) return `Today: ${used} tokens`;
  const text = `Today: ${used} tokens of ${integer.format(usage.daily_cap)}`;
  return usage.capped ? `${text}: today's limit is reached.` : text;
}

/**
 * The review notice and the usage line of the chat.
 * @param {Set<string>} enrolled ids of the courses the student is enrolled in (the only ones with usage)
 */
export function chatOversight(enrolled) {
  const notice = h("p.review-notice", { role: "status", hidden: true });
  const usage = h("p.usage-today.meta", { hidden: true });
  const policies = new Map();
  let courseId = null;
  let loads = 0;

  const showReview = (review) => {
    const text = REVIEW_NOTICES[review];
    notice.textContent = text || "";
    notice.hidden = !text;
    notice.dataset.review = review || "off";
  };

  async function refreshUsage() {
    const mine = courseId;
    if (!mine || !enrolled.has(mine)) {
      usage.hidden = true;
      return;
    }
    try {
      const data = await api(`/api/courses/${encodeURIComponent(mine)}/usage/me/`);
      if (mine !== courseId) return;
      usage.textContent = usageText(data);
      usage.classList.toggle("capped", Boolean(data.capped));
      usage.hidden = false;
    } catch {
      usage.hidden = true; // the usage line is a courtesy: the chat works without it
    }
  }

  return {
    notice,
    usage,
    refreshUsage,
    /** The review mode of the conversation as the server just said it (a turn's `start` event). */
    setReview(review, forCourse) {
      if (forCourse) policies.set(forCourse, review);
      loads += 1; // newer than any course still loading
      showReview(review);
    },
    /** Another course was selected (null: all courses); `review` when it is already known. */
    async setCourse(id, review) {
      courseId = id || null;
      loads += 1;
      const mine = loads;
      refreshUsage();
      if (!courseId) {
        showReview(review || "off");
        return;
      }
      if (review) policies.set(courseId, review);
      if (!policies.has(courseId)) {
        try {
          const course = await api(`/api/courses/${encodeURIComponent(courseId)}/`);
          policies.set(courseId, course.tutor_policy?.conversation_review || "off");
        } catch {
          // No notice rather than a wrong one; the next turn's `start` event tells.
        }
      }
      if (mine === loads) showReview(policies.get(courseId));
    },
  };
}
