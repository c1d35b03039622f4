// `#/courses/:id/lessons/:lessonId`: a lesson (Markdown), a cited passage highlighted, "mark complete" and the quiz.

import { api, currentUser } from "../api.js";
import { h, alertBox, pageTitle } from "../dom.js";
import { renderMarkdown, highlightPassage } from "../markdown.js";
import { enrollButton, isEnrolled, progressIn } from "./course.js";
import { quizForm } from "./quiz.js";

function findLesson(course, lessonId) {
  for (const module of course.modules) {
    const index = module.lessons.findIndex((l) => l.id === lessonId);
    if (index >= 0) return { module, lesson: module.lessons[index] };
  }
  return null;
}

function citedPassageBox(query) {
  const where = [query.get("src"), query.get("hp")].filter(Boolean).join(" — ");
  const extra = [];
  if (query.get("p")) extra.push(`page ${query.get("p")}`);
  if (query.get("t")) extra.push(`at ${Math.floor(Number(query.get("t")) / 60)}:${String(Math.floor(Number(query.get("t")) % 60)).padStart(2, "0")}`);
  return h("aside.cited-box", { "aria-labelledby": "cited-heading" },
    h("h2", { id: "cited-heading" }, "Cited passage"),
    where ? h("p.meta", null, where, extra.length ? ` (${extra.join(", ")})` : "") : null,
    h("blockquote", null, query.get("hl")));
}

/** `#/courses/:id/lessons/:lessonId?hl=<snippet>&cs=<char_start>&ce=<char_end>&src=&hp=`. */
export async function lessonView(main, { id, lessonId }, query) {
  const [course, enrolled, progress] = await Promise.all([
    api(`/api/courses/${encodeURIComponent(id)}/`), isEnrolled(id), progressIn(id),
  ]);
  const found = findLesson(course, lessonId);
  const courseHref = `#/courses/${encodeURIComponent(course.id)}`;
  main.append(h("nav.breadcrumbs", { "aria-label": "Breadcrumb" },
    h("a", { href: "#/courses" }, "Courses"), " › ", h("a", { href: courseHref }, course.title),
    found ? ` › ${found.module.title}` : ""));
  if (!found) {
    main.append(pageTitle(h("h1", null, "Lesson not found"), "Lesson not found"),
      alertBox("This lesson does not exist in this course (it may have been removed)."));
    return;
  }
  const { lesson } = found;
  const owner = currentUser().id === course.instructor_id;
  main.append(pageTitle(h("h1", null, lesson.title), lesson.title),
    h("p.meta", null, `${lesson.duration_minutes} min`, (lesson.skills || []).length
      ? ` · skills: ${lesson.skills.map((s) => (course.skill_names || {})[s] || s).join(", ")}` : ""));
  const content = renderMarkdown(lesson.content, { headingOffset: 1 });
  // The lesson's own "# Title" repeats the page heading.
  const first = content.firstElementChild;
  if (first && /^H2$/.test(first.tagName) && first.textContent.trim() === lesson.title.trim()) first.remove();
  if (query.get("hl")) {
    main.append(citedPassageBox(query));
    const hit = highlightPassage(content, lesson.content || "", {
      start: query.get("cs"), end: query.get("ce"), snippet: query.get("hl"),
    });
    if (hit) {
      hit.setAttribute("tabindex", "-1");
      hit.setAttribute("aria-describedby", "cited-heading");
      requestAnimationFrame(() => { hit.scrollIntoView({ block: "center" }); });
    }
  }
  // The server sends a lesson's text only to the course's instructor and its enrolled students.
  const locked = lesson.content == null && !enrolled && !owner;
  const empty = locked ? "Enroll in this course to read this lesson." : "This lesson has no text yet.";
  main.append(h("article.lesson.card", null, content.childElementCount ? content : h("p", null, empty)));

  const enrollArea = h("div");
  const actions = h("div.lesson-actions");
  const quizArea = h("section", { "aria-labelledby": "quiz-heading" });
  const render = (isIn) => {
    enrollArea.replaceChildren();
    actions.replaceChildren();
    quizArea.replaceChildren();
    if (!isIn && !owner) {
      enrollArea.append(h("p", null, "Enroll to track your progress and take the quiz."),
        enrollButton(course, () => render(true)));
    }
    if (isIn) actions.append(completeButton(course.id, lesson.id, progress));
    if (lesson.quiz && lesson.quiz.questions.length) {
      quizArea.append(h("h2", { id: "quiz-heading" }, "Quiz"));
      if (isIn) quizArea.append(quizForm(course.id, lesson));
      else quizArea.append(h("p", null, owner ? "Students see the quiz here." : "Enroll to take this quiz."));
    }
  };
  render(enrolled);
  main.append(enrollArea, actions, quizArea, lessonPager(course, lesson.id));
}

function lessonPager(course, lessonId) {
  const all = course.modules.flatMap((m) => m.lessons);
  const index = all.findIndex((l) => l.id === lessonId);
  const link = (l, label) => h("a.button", { href: `#/courses/${encodeURIComponent(course.id)}/lessons/${encodeURIComponent(l.id)}` }, label);
  return h("nav.pager", { "aria-label": "Lessons" },
    index > 0 ? link(all[index - 1], `← ${all[index - 1].title}`) : null,
    index < all.length - 1 ? link(all[index + 1], `${all[index + 1].title} →`) : null);
}

function completeButton(courseId, lessonId, progress) {
  const done = progress && progress.completed_lessons.includes(lessonId);
  const status = h("span", { role: "status" }, done ? "✓ Completed" : "");
  const button = h("button", {
    type: "button",
    hidden: done,
    onclick: async () => {
      button.disabled = true;
      try {
        const doc = await api("/api/progress/update/", {
          method: "POST", body: { course_id: courseId, lesson_id: lessonId, completed: true, time_spent: 60 },
        });
        button.hidden = true;
        status.textContent = `✓ Completed · course progress ${Math.round(doc.progress_percentage)}%`;
      } catch (err) {
        button.disabled = false;
        status.replaceChildren(alertBox(err.message));
      }
    },
  }, "Mark lesson as complete");
  return h("div", null, button, " ", status);
}
