// Pages an LMS launch opens: the code exchange, the instructor's course picker, and "not linked yet".

import { api, currentUser, exchangeLaunchCode } from "../api.js";
import { h, alertBox, pageTitle } from "../dom.js";
import { navigate } from "../router.js";

/** "#/lti/CODE": trade the launch's one-time code for a session, then open what the launch named. */
export async function launchView(target, { code }) {
  target.append(pageTitle(h("h1", null, "Opening from your LMS…"), "Opening from your LMS"));
  try {
    const where = await exchangeLaunchCode(code);
    navigate(where, { replace: true });
  } catch (err) {
    target.append(alertBox(`${err.message} Open the tool again from your course in the LMS.`));
  }
}

/** "#/lti/link/KEY": an instructor picks which of their courses this LMS course opens. */
export async function linkView(target, { key }) {
  const context = await api(`/api/lti/contexts/${encodeURIComponent(key)}/`);
  const user = currentUser();
  const mine = await api("/api/courses/", { query: { instructor_id: user.id, page_size: 100, sort: "title", order: "asc" } });
  if (context.course_id) {
    const linked = mine.items.find((c) => c.id === context.course_id);
    const status = h("p", { role: "status" });
    const sync = h("button", { type: "button" }, "Sync the roster from the LMS");
    sync.addEventListener("click", async () => {
      sync.disabled = true;
      try {
        const r = await api(`/api/lti/contexts/${encodeURIComponent(key)}/roster-sync/`, { method: "POST" });
        status.textContent = `${r.members} members: ${r.accounts_created} new accounts, ${r.enrolled} enrolled, ${r.unenrolled} unenrolled.`;
      } catch (err) {
        status.textContent = err.message;
      } finally {
        sync.disabled = false;
      }
    });
    target.append(
      pageTitle(h("h1", null, `“${context.title || context.context_id}” in your LMS`), "LMS course"),
      h("p", null, "It opens ", h("a", { href: `#/teach/${encodeURIComponent(context.course_id)}` }, linked ? linked.title : context.course_id),
        ". Choose another course below to change that."),
      h("p", null, sync), status,
    );
  }
  target.append(
    context.course_id ? h("h2", null, "Link another course") : pageTitle(h("h1", null, "Link this LMS course"), "Link this LMS course"),
    h("p", null, `Choose the course that “${context.title || context.context_id}” opens. `,
      "Students who launch the tool from it are enrolled in that course."),
  );
  if (!mine.items.length) {
    target.append(alertBox("You teach no course here yet. Create one under Teach, then launch again.", "info"));
    return;
  }
  const list = h("ul.lti-courses");
  for (const course of mine.items) {
    const choose = h("button", { type: "button" }, `Link “${course.title}”`);
    choose.addEventListener("click", async () => {
      choose.disabled = true;
      try {
        await api(`/api/lti/contexts/${encodeURIComponent(key)}/`, { method: "PUT", body: { course_id: course.id } });
        navigate(`/courses/${encodeURIComponent(course.id)}`);
      } catch (err) {
        choose.disabled = false;
        target.append(alertBox(err.message));
      }
    });
    list.append(h("li", null, choose));
  }
  target.append(list);
}

/** "#/lti/unlinked": the LMS course is not linked to a course here yet. */
export function unlinkedView(target) {
  target.append(
    pageTitle(h("h1", null, "This LMS course is not linked yet"), "Not linked yet"),
    h("p", null, "Your instructor has not chosen which tutor course it opens. Until then, browse the catalogue."),
    h("p", null, h("a", { href: "#/courses" }, "Browse courses")),
  );
}

/** "#/lti/deep-link/ID": an instructor picks courses or lessons to add to the LMS course. */
export async function deepLinkView(target, { id }) {
  const request = await api(`/api/lti/deep-links/${encodeURIComponent(id)}/`);
  const user = currentUser();
  const mine = await api("/api/courses/", { query: { instructor_id: user.id, page_size: 100, sort: "title", order: "asc" } });
  target.append(
    pageTitle(h("h1", null, "Add the tutor to your LMS course"), "Add to LMS"),
    h("p", null, request.accept_multiple ? "Choose the courses or lessons to add." : "Choose one course or lesson to add.",
      request.line_items ? " Each gets a gradebook column that quiz scores are sent to." : ""),
  );
  if (!mine.items.length) {
    target.append(alertBox("You teach no course here yet. Create one under Teach, then start again from the LMS.", "info"));
    return;
  }
  const type = request.accept_multiple ? "checkbox" : "radio";
  const form = h("form.lti-picker");
  for (const summary of mine.items) {
    const course = await api(`/api/courses/${encodeURIComponent(summary.id)}/`);
    const group = h("fieldset", null, h("legend", null, course.title));
    const option = (value, label) => h("label", null, h("input", { type, name: "pick", value }), ` ${label}`);
    group.append(option(JSON.stringify({ course_id: course.id }), "The whole course"));
    for (const module of course.modules || []) {
      for (const lesson of module.lessons || []) {
        group.append(option(JSON.stringify({ course_id: course.id, lesson_id: lesson.id }), `Lesson: ${lesson.title}`));
      }
    }
    form.append(group);
  }
  const submit = h("button", { type: "submit" }, "Add to the LMS");
  form.append(submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const items = [...form.querySelectorAll("input[name=pick]:checked")].map((input) => JSON.parse(input.value));
    if (!items.length) {
      target.append(alertBox("Choose at least one course or lesson."));
      return;
    }
    submit.disabled = true;
    try {
      const answer = await api(`/api/lti/deep-links/${encodeURIComponent(id)}/`, { method: "POST", body: { items } });
      const back = h("form", { method: "POST", action: answer.return_url },
        h("input", { type: "hidden", name: "JWT", value: answer.jwt }));
      document.body.append(back);
      back.submit();
    } catch (err) {
      submit.disabled = false;
      target.append(alertBox(err.message));
    }
  });
  target.append(form);
}

/** The "Grades sent to the LMS" section of a course's teach page, or null when no student launched from an LMS. */
export async function lmsGradesSection(course) {
  const rows = await api(`/api/lti/grades/${encodeURIComponent(course.id)}/`);
  if (!rows.length) return null;
  const lessons = Object.fromEntries((course.modules || []).flatMap((m) => m.lessons || []).map((l) => [l.id, l.title]));
  const table = h("table", null,
    h("thead", null, h("tr", null, ...["Student", "Link", "State", "Score", "Tries", "Last error"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", null, ...rows.map((r) => h("tr", null,
      h("td", null, r.user_id.slice(0, 8)),
      h("td", null, r.lesson_id ? `Lesson: ${lessons[r.lesson_id] || r.lesson_id}` : "Whole course"),
      h("td", null, r.state),
      h("td", null, r.score_given === null ? "—" : `${r.score_given} / ${r.score_maximum}`),
      h("td", null, String(r.attempts)),
      h("td", null, r.last_error || "")))));
  return h("section", { "aria-labelledby": "lms-grades-heading" },
    h("h2", { id: "lms-grades-heading" }, "Grades sent to the LMS"),
    h("p", null, "Scores of students who opened this course from an LMS. A failed send is retried; the next one carries the latest score."),
    table);
}
