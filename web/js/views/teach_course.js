// `#/teach/:id`: edit a course, add modules and lessons, upload material, and the class's weak skills.

import { lmsGradesSection } from "./lti.js";
import { api, currentUser } from "../api.js";
import { h, field, alertBox, pageTitle, announce, pct } from "../dom.js";
import { dispatch } from "../router.js";
import { courseFieldsForm } from "./teach.js";
import { materialsSection } from "./materials.js";
import { bar } from "./progress.js";

/** The proposed class view endpoint; the section degrades to a note while it answers 404. */
export const CLASS_WEAK_AREAS = (courseId) => `/api/ai/courses/${encodeURIComponent(courseId)}/weak-areas/`;

let schemaPaths = null;

/** Whether the API's OpenAPI document lists a path matching `pattern`. */
async function serverHasRoute(pattern) {
  if (!schemaPaths) {
    const response = await fetch("/schema/openapi.json");
    schemaPaths = response.ok ? Object.keys((await response.json()).paths || {}) : [];
  }
  return schemaPaths.some((p) => pattern.test(p));
}

function smallForm(label, fields, submitLabel, onSubmit) {
  const status = h("div", { "aria-live": "polite" });
  const form = h("form.card.sub", { "aria-label": label }, h("h3", null, label), fields, status,
    h("button.primary", { type: "submit" }, submitLabel));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    try {
      await onSubmit();
    } catch (err) {
      status.append(alertBox(err.message));
    }
  });
  return form;
}

function modulesSection(course) {
  const base = `/api/courses/${encodeURIComponent(course.id)}`;
  const section = h("section.card", { "aria-labelledby": "modules-heading" }, h("h2", { id: "modules-heading" }, "Modules and lessons"));
  section.append(course.modules.length
    ? h("ol.modules", null, course.modules.map((m) => h("li", null, h("strong", null, m.title),
      h("ol.lessons", null, m.lessons.map((l) => h("li", null,
        h("a", { href: `#/courses/${encodeURIComponent(course.id)}/lessons/${encodeURIComponent(l.id)}` }, l.title),
        l.quiz ? h("span.meta", null, ` · quiz (${l.quiz.questions.length})`) : null))))))
    : h("p", null, "No modules yet."));
  const moduleTitle = h("input", { type: "text", name: "module_title", required: true, maxlength: 200 });
  const moduleSummary = h("input", { type: "text", name: "module_summary", maxlength: 4000 });
  section.append(smallForm("Add a module", [field("Module title", moduleTitle), field("Summary (optional)", moduleSummary)],
    "Add module", async () => {
      await api(`${base}/modules/`, { method: "POST", body: { title: moduleTitle.value.trim(), summary: moduleSummary.value } });
      announce(`Module ${moduleTitle.value} added`);
      dispatch();
    }));
  if (course.modules.length) {
    const moduleSel = h("select", { name: "module_id" }, course.modules.map((m) => h("option", { value: m.id }, m.title)));
    const title = h("input", { type: "text", name: "lesson_title", required: true, maxlength: 200 });
    const minutes = h("input", { type: "number", name: "duration_minutes", min: 0, value: 10 });
    const skills = h("input", { type: "text", name: "skills", placeholder: "python.loops, python.lists" });
    const content = h("textarea", { name: "content", rows: 6, maxlength: 20000 });
    section.append(smallForm("Add a lesson", [field("Module", moduleSel), field("Lesson title", title),
      field("Duration (minutes)", minutes), field("Skills", skills, "Comma-separated skill ids."),
      field("Content (Markdown)", content)], "Add lesson", async () => {
      await api(`${base}/modules/${encodeURIComponent(moduleSel.value)}/lessons/`, {
        method: "POST",
        body: {
          title: title.value.trim(), content: content.value, duration_minutes: Number(minutes.value || 0),
          skills: skills.value.split(",").map((s) => s.trim()).filter(Boolean),
        },
      });
      announce(`Lesson ${title.value} added`);
      dispatch();
    }));
  }
  return section;
}

async function classSection(course) {
  const section = h("section.card", { "aria-labelledby": "class-heading" }, h("h2", { id: "class-heading" }, "Weak skills across the class"));
  let data;
  try {
    // Ask the public OpenAPI document first, so a server without the route logs no 404.
    if (!(await serverHasRoute(/^\/api\/ai\/courses\/\{[^}]+\}\/weak-areas\/?$/))) {
      const missing = new Error("missing");
      missing.status = 404;
      throw missing;
    }
    data = await api(CLASS_WEAK_AREAS(course.id));
  } catch (err) {
    section.append(h("p.meta", null, err.status === 404
      ? "The class view is not available on this server yet (it needs GET /api/ai/courses/{id}/weak-areas/)."
      : `The class view is unavailable: ${err.message}`));
    return section;
  }
  const skills = data.skills || [];
  if (!skills.length) {
    section.append(h("p", null, "No weak skills found among your students yet."));
    return section;
  }
  section.append(h("p", null, `${data.students ?? "?"} student(s) with quiz answers.`),
    h("table.mastery", null,
      h("thead", null, h("tr", null, ["Skill", "Students weak", "Mean mastery", "Attempts"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", null, skills.map((s) => h("tr", null,
        h("th", { scope: "row" }, s.skill_name || s.skill),
        h("td", null, `${s.students_weak}${data.students ? ` of ${data.students}` : ""}`),
        h("td", null, h("div.mastery-cell", null, bar(`Mean mastery of ${s.skill_name || s.skill}`, s.mean_mastery), h("span.value", null, pct(s.mean_mastery)))),
        h("td", null, String(s.attempts ?? "—")))))));
  return section;
}

/** Tabs between a course's management pages; `current` is one of the keys below. */
export function courseTabs(course, current) {
  const base = `#/teach/${encodeURIComponent(course.id)}`;
  const tabs = [["course", base, "Course and material"], ["drafts", `${base}/drafts`, "Question drafts"],
    ["conversations", `${base}/conversations`, "Conversations"], ["gaps", `${base}/gaps`, "Content gaps"],
    ["usage", `${base}/usage`, "Usage"], ["policy", `${base}/tutor-policy`, "Tutor policy"]];
  return h("nav.course-tabs", { "aria-label": "Course management" }, h("ul", null, tabs.map(([key, href, label]) =>
    h("li", null, h("a", { href, "aria-current": key === current ? "page" : null }, label)))));
}

/** `#/teach/:id`. */
export async function teachCourseView(main, { id }) {
  const course = await api(`/api/courses/${encodeURIComponent(id)}/`);
  const heading = h("h1", null, course.title);
  main.append(h("nav.breadcrumbs", { "aria-label": "Breadcrumb" }, h("a", { href: "#/teach" }, "Teach"), " › ", course.title),
    pageTitle(heading, `Manage ${course.title}`));
  if (course.instructor_id !== currentUser().id) {
    main.append(alertBox("Only this course's instructor can manage it."));
    return;
  }
  main.append(courseTabs(course, "course"));
  main.append(h("p", null, h("a", { href: `#/courses/${encodeURIComponent(course.id)}` }, "View as a student")));
  main.append(materialsSection(course));
  main.append(h("section", { "aria-labelledby": "details-heading" }, h("h2", { id: "details-heading" }, "Course details"),
    courseFieldsForm(course, "Save changes", async (body, status) => {
      await api(`/api/courses/${encodeURIComponent(course.id)}/`, { method: "PATCH", body });
      status.append(h("p.ok", { role: "status" }, "✓ Saved."));
      announce("Course saved");
    })));
  main.append(modulesSection(course));
  const classView = await classSection(course);
  const lmsGrades = await lmsGradesSection(course);
  // Left for another page (e.g. the Question drafts tab) meanwhile: `main` is that page's now.
  if (heading.isConnected) main.append(classView, lmsGrades);
}
