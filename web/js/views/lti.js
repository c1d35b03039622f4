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
  target.append(
    pageTitle(h("h1", null, "Link this LMS course"), "Link this LMS course"),
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
