// `#/teach/:id/tutor-policy`: whether the instructor may read the course's tutor conversations (and whether
// under a pseudonym), and the token caps per student per day and for the whole course per month.

import { api } from "../api.js";
import { h, field, alertBox, announce } from "../dom.js";
import { oversightFrame, coursePath } from "./oversight.js";

const MODES = [
  ["off", "Off", "Only the student reads their conversations."],
  ["anonymized", "Anonymized", "You read conversations under a pseudonym, never the student's name or email."],
  ["named", "Named", "You read conversations with the student's name."],
];
const MAX_TOKENS = 10_000_000_000;

function reviewFieldset(current) {
  return h("fieldset.choices", null, h("legend", null, "Conversation review"),
    MODES.map(([value, label, hint]) => {
      const id = `review-${value}`;
      return h("div.choice", null,
        h("input", { type: "radio", id, name: "conversation_review", value, checked: value === current, "aria-describedby": `${id}-hint` }),
        h("div", null, h("label", { for: id }, label), h("small.hint", { id: `${id}-hint` }, hint)));
    }),
    h("p.meta", null, "Only messages written while review is on can be read, and students see in the chat that their conversations can be read."));
}

function capInput(name, value) {
  return h("input", { type: "number", name, min: 1, max: MAX_TOKENS, step: 1, inputmode: "numeric", value: value ?? "" });
}

/** The number in a cap field, or null when it is empty (no cap). */
function capValue(input) {
  const text = input.value.trim();
  return text === "" ? null : Number(text);
}

/** `#/teach/:id/tutor-policy`. */
export async function tutorPolicyView(main, { id }) {
  const course = await oversightFrame(main, id, {
    tab: "policy", title: "Tutor policy", denied: "Only this course's instructor can change its tutor policy.",
  });
  if (!course) return;
  const policy = course.tutor_policy || { conversation_review: "off", student_daily_tokens: null, course_monthly_tokens: null };
  const daily = capInput("student_daily_tokens", policy.student_daily_tokens);
  const monthly = capInput("course_monthly_tokens", policy.course_monthly_tokens);
  const status = h("div.form-status", { "aria-live": "polite", tabindex: "-1" });
  const save = h("button.primary", { type: "submit" }, "Save policy");
  const form = h("form.card.policy-form", { "aria-labelledby": "policy-heading" },
    h("h2", { id: "policy-heading" }, "Who can read conversations, and how much the tutor may use"),
    reviewFieldset(policy.conversation_review),
    h("fieldset.choices", null, h("legend", null, "Token caps"),
      h("p.meta", null, "Tokens of the configured language model. Past a cap the tutor keeps answering with the offline model and tells the student why. Leave a field empty for no cap."),
      h("div.cap-fields", null,
        field("Daily tokens per student", daily, "Per student, per day (UTC), in this course."),
        field("Monthly tokens for the course", monthly, "All students together, per calendar month (UTC)."))),
    status, h("div.actions", null, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    const checked = form.querySelector("input[name=conversation_review]:checked");
    const body = {
      tutor_policy: {
        conversation_review: checked ? checked.value : "off",
        student_daily_tokens: capValue(daily),
        course_monthly_tokens: capValue(monthly),
      },
    };
    save.disabled = true;
    try {
      const updated = await api(coursePath(course.id), { method: "PATCH", body });
      const saved = (updated && updated.tutor_policy) || body.tutor_policy;
      daily.value = saved.student_daily_tokens ?? "";
      monthly.value = saved.course_monthly_tokens ?? "";
      status.append(h("p.ok", { role: "status" }, "✓ Saved."));
      announce("Tutor policy saved");
    } catch (err) {
      status.append(alertBox(err.message));
      status.focus();
    } finally {
      save.disabled = false;
    }
  });
  main.append(form);
}
