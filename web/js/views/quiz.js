// A lesson's quiz: radio groups, submitted for grading on the server; the graded result with explanations.

import { api } from "../api.js";
import { h, alertBox, announce } from "../dom.js";
import { inline, renderMarkdown } from "../markdown.js";

/** A question's prompt: the first line for the legend, the rest (e.g. a code block) rendered below it. */
function splitPrompt(prompt) {
  const text = String(prompt);
  const cut = text.search(/\n|```/);
  if (cut < 0) return [text, null];
  return [text.slice(0, cut).trim(), renderMarkdown(text.slice(cut), { headingOffset: 3 })];
}

/** The quiz form of `lesson`; shows the graded result in place. */
export function quizForm(courseId, lesson) {
  const status = h("div", { "aria-live": "assertive" });
  const result = h("div.quiz-result", { tabindex: "-1" });
  const questions = lesson.quiz.questions;
  const form = h("form.quiz.card", { "aria-label": `Quiz: ${lesson.title}` },
    questions.map((q, qi) => {
      const [lead, rest] = splitPrompt(q.prompt);
      return h("fieldset.question", null,
        h("legend", null, `${qi + 1}. `, inline(lead || "Question")), rest,
        q.choices.map((choice, ci) => {
          const id = `q-${q.id}-${ci}`;
          return h("div.choice", null,
            h("input", { type: "radio", name: q.id, id, value: String(ci), dataset: { question: q.id } }),
            h("label", { for: id }, inline(choice)));
        }));
    }),
    status,
    h("button.primary", { type: "submit" }, "Submit answers"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    const answers = {};
    for (const q of questions) {
      const picked = form.querySelector(`input[name="${CSS.escape(q.id)}"]:checked`);
      if (picked) answers[q.id] = Number(picked.value);
    }
    const missing = questions.length - Object.keys(answers).length;
    if (!Object.keys(answers).length) {
      status.append(alertBox("Choose an answer for at least one question."));
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const doc = await api("/api/progress/update/", {
        method: "POST", body: { course_id: courseId, lesson_id: lesson.id, quiz_answers: answers },
      });
      showResult(result, doc.quiz_result, questions, missing);
      if (doc.quiz_result.attempts_remaining === 0) button.hidden = true;
      result.focus();
    } catch (err) {
      status.append(alertBox(err.message));
    } finally {
      button.disabled = false;
    }
  });
  return h("div", null, form, result);
}

function showResult(target, graded, questions, missing) {
  const byId = Object.fromEntries(questions.map((q) => [q.id, q]));
  const summary = `You scored ${Math.round(graded.score)}% (${graded.correct} of ${graded.total} correct).`;
  announce(summary);
  target.replaceChildren(...[
    h("h3", null, "Your result"),
    h("p.score", null, summary),
    missing > 0 ? h("p.meta", null, `${missing} unanswered question(s) counted as wrong.`) : null,
    h("p.meta", null, attemptsText(graded)),
    h("ol.graded", null, graded.results.map((r) => {
      const q = byId[r.question_id] || { prompt: r.question_id, choices: [] };
      const choiceText = (i) => (i === null || i === undefined ? "no answer" : q.choices[i] ?? String(i));
      const [lead, rest] = splitPrompt(q.prompt);
      return h(`li.${r.correct ? "right" : "wrong"}`, null,
        h("p", null, h("strong", null, r.correct ? "✓ Correct: " : "✗ Incorrect: "), inline(lead)), rest,
        h("p", null, "Your answer: ", inline(choiceText(r.given))),
        r.correct || !r.revealed ? null : h("p", null, "Correct answer: ", inline(choiceText(r.correct_answer))),
        r.explanation ? h("p.explanation", null, inline(r.explanation)) : null);
    })),
  ].filter(Boolean));
}

/** Attempts used and left, and when the course shows answer keys (its quiz policy). */
function attemptsText(graded) {
  const used = `Attempt ${graded.attempts_used}`;
  const left = graded.attempts_remaining === null || graded.attempts_remaining === undefined
    ? "" : ` of ${graded.max_attempts}; ${graded.attempts_remaining} left`;
  const keys = {
    answered: "Answers and explanations are shown for the questions you answered.",
    after_last_attempt: "Answers and explanations are shown after your last attempt.",
    never: "This course does not show the answers of its quizzes.",
  }[graded.reveal] || "";
  return `${used}${left}. ${keys}`;
}
