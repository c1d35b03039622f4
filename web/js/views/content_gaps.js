// `#/teach/:id/gaps`: what students ask the tutor that the course material does not answer, grouped by
// topic (largest first), with example questions and the lessons that come closest.

import { api } from "../api.js";
import { h } from "../dom.js";
import { oversightFrame, coursePath, count } from "./oversight.js";

function gapCard(gap, index) {
  const examples = gap.example_questions || [];
  const lessons = gap.closest_lessons || [];
  const headingId = `gap-${index}`;
  return h("li.card.gap", { dataset: { label: gap.label } },
    h("div.gap-header", null,
      h("h3", { id: headingId }, gap.label),
      h("span.badge", null, `${count(gap.count)} question${gap.count === 1 ? "" : "s"}`)),
    h("div.gap-body", null,
      h("div", null, h("h4", null, "Example questions"),
        examples.length ? h("ul.gap-examples", null, examples.map((q) => h("li", null, h("q", null, q))))
          : h("p.meta", null, "No examples kept.")),
      h("div", null, h("h4", null, "Closest lessons"),
        lessons.length ? h("ul.gap-lessons", null, lessons.map((l) => h("li", null, l)))
          : h("p.meta", null, "No lesson comes close: this topic is new to the course."))));
}

/** `#/teach/:id/gaps`. */
export async function contentGapsView(main, { id }) {
  const course = await oversightFrame(main, id, {
    tab: "gaps", title: "Content gaps", denied: "Only this course's instructor can see its content gaps.",
  });
  if (!course) return;
  const intro = h("p.meta", null,
    "Questions students asked the tutor in this course that the course material could not answer, grouped by topic, largest group first. Each group shows example questions and the lessons that came closest, so you can see what to add or explain better.");
  const data = await api(coursePath(course.id, "content-gaps/"));
  const items = data.items || [];
  main.append(intro, items.length
    ? h("ol.gap-list", { "aria-label": "Content gaps" }, items.map(gapCard))
    : h("div.card.empty-state", null,
      h("h2", null, "No content gaps found yet"),
      h("p", null, "When students ask the tutor about something your material does not cover, those questions are grouped here by topic, with how often they were asked and the lessons closest to them.")));
}
