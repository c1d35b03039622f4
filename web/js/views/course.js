// `#/courses/:id`: the course, its modules and lessons, and the enroll button.

import { api, currentUser } from "../api.js";
import { h, append, alertBox, pageTitle, announce } from "../dom.js";
import { renderMarkdown } from "../markdown.js";

/** Whether the signed-in user has an active enrollment in `courseId`. */
export async function isEnrolled(courseId) {
  const mine = await api("/api/enrollments/");
  return mine.some((e) => e.course_id === courseId && e.status !== "dropped" && e.status !== "cancelled");
}

/** The signed-in user's progress in `courseId`, or null (read from the list so no 404 is logged). */
export async function progressIn(courseId) {
  const all = await api("/api/progress/");
  return all.find((p) => p.course_id === courseId) || null;
}

/** An "Enroll" button that calls `onEnrolled()` once enrolled. */
export function enrollButton(course, onEnrolled) {
  const status = h("span", { role: "status" });
  const button = h("button.primary", {
    type: "button",
    onclick: async () => {
      button.disabled = true;
      status.textContent = "";
      try {
        await api("/api/courses/enroll/", { method: "POST", body: { course_id: course.id } });
        announce(`Enrolled in ${course.title}`);
        onEnrolled();
      } catch (err) {
        button.disabled = false;
        status.replaceChildren(alertBox(err.status === 409 ? "You are already enrolled." : err.message));
        if (err.status === 409) onEnrolled();
      }
    },
  }, "Enroll in this course");
  return h("div.enroll", null, button, status);
}

/** `#/courses/:id`. */
export async function courseView(main, { id }) {
  const [course, enrolled, progress] = await Promise.all([
    api(`/api/courses/${encodeURIComponent(id)}/`), isEnrolled(id), progressIn(id),
  ]);
  const user = currentUser();
  const done = new Set(progress ? progress.completed_lessons : []);
  const owner = user.role === "instructor" && course.instructor_id === user.id;
  const enrollArea = h("div.enroll-area");
  const renderEnroll = (state) => {
    enrollArea.replaceChildren(state
      ? h("p.ok", null, "✓ You are enrolled.", progress ? ` Progress: ${Math.round(progress.progress_percentage)}%` : "")
      : enrollButton(course, () => renderEnroll(true)));
  };
  if (!owner) renderEnroll(enrolled);
  const price = Number(course.price) > 0 ? `$${Number(course.price).toFixed(2)}` : "Free";
  append(main, [
    h("nav.breadcrumbs", { "aria-label": "Breadcrumb" }, h("a", { href: "#/courses" }, "Courses"), " › ", course.title),
    pageTitle(h("h1", null, course.title), course.title),
    h("p.meta", null, h("span.badge", null, course.difficulty_level), ` ${course.category} · ${price}`,
      course.duration_hours ? ` · ${course.duration_hours} h` : ""),
    owner ? h("p", null, h("a.button", { href: `#/teach/${encodeURIComponent(course.id)}` }, "Manage this course")) : null,
    enrollArea,
    course.description ? renderMarkdown(course.description) : null,
    (course.tags || []).length ? h("ul.tags", { "aria-label": "Tags" }, course.tags.map((t) => h("li", null, t))) : null,
    h("h2", null, "Modules"),
  ]);
  if (!course.modules.length) main.append(h("p", null, "This course has no modules yet."));
  const list = h("ol.modules");
  for (const module of course.modules) {
    list.append(h("li.card", null,
      h("h3", null, module.title),
      module.summary ? h("p", null, module.summary) : null,
      h("ol.lessons", null, module.lessons.map((lesson) => h("li", null,
        h("a", { href: `#/courses/${encodeURIComponent(course.id)}/lessons/${encodeURIComponent(lesson.id)}` }, lesson.title),
        h("span.meta", null, ` · ${lesson.duration_minutes} min`, lesson.quiz ? " · quiz" : ""),
        done.has(lesson.id) ? h("span.ok", null, " ✓ completed") : null)))));
  }
  main.append(list);
}
