// `#/teach`: the instructor's courses and the "create a course" form.

import { api, currentUser } from "../api.js";
import { h, field, alertBox, pageTitle, announce } from "../dom.js";
import { navigate } from "../router.js";

const DIFFICULTIES = ["beginner", "intermediate", "advanced"];

/** Course fields form (create and edit); `onSubmit(body)` gets the API body. */
export function courseFieldsForm(course, submitLabel, onSubmit) {
  const c = course || {};
  const controls = {
    title: h("input", { type: "text", name: "title", required: true, maxlength: 200, value: c.title || "" }),
    category: h("input", { type: "text", name: "category", required: true, maxlength: 80, value: c.category || "" }),
    difficulty_level: h("select", { name: "difficulty_level" },
      DIFFICULTIES.map((d) => h("option", { value: d, selected: d === c.difficulty_level }, d))),
    price: h("input", { type: "number", name: "price", min: 0, step: "0.01", value: c.price ?? 0, inputmode: "decimal" }),
    duration_hours: h("input", { type: "number", name: "duration_hours", min: 0, step: "0.5", value: c.duration_hours ?? "" }),
    tags: h("input", { type: "text", name: "tags", value: (c.tags || []).join(", ") }),
    description: h("textarea", { name: "description", rows: 5, maxlength: 10000 }, c.description || ""),
  };
  const status = h("div", { "aria-live": "polite" });
  const form = h("form.card", null,
    h("div.grid", null,
      field("Title", controls.title), field("Category", controls.category, "e.g. programming"),
      field("Difficulty", controls.difficulty_level), field("Price ($)", controls.price),
      field("Duration (hours)", controls.duration_hours), field("Tags", controls.tags, "Comma-separated.")),
    field("Description (Markdown)", controls.description),
    status, h("button.primary", { type: "submit" }, submitLabel));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    const body = {
      title: controls.title.value.trim(),
      category: controls.category.value.trim(),
      difficulty_level: controls.difficulty_level.value,
      price: Number(controls.price.value || 0),
      tags: controls.tags.value.split(",").map((t) => t.trim()).filter(Boolean),
      description: controls.description.value,
    };
    if (controls.duration_hours.value !== "") body.duration_hours = Number(controls.duration_hours.value);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await onSubmit(body, status);
    } catch (err) {
      status.append(alertBox(err.message));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** `#/teach`. */
export async function teachListView(main) {
  const user = currentUser();
  main.append(pageTitle(h("h1", null, "Teach"), "Teach"));
  const mine = await api("/api/courses/", { query: { instructor_id: user.id, page_size: 100, sort: "title", order: "asc" } });
  main.append(h("h2", null, "Your courses"));
  main.append(mine.items.length
    ? h("ul.teach-list", null, mine.items.map((c) => h("li.card", null,
      h("h3", null, h("a", { href: `#/teach/${encodeURIComponent(c.id)}` }, c.title)),
      h("p.meta", null, `${c.difficulty_level} · ${c.category} · ${c.module_count} module(s), ${c.lesson_count} lesson(s) · ${c.enrollments || 0} enrolled`))))
    : h("p", null, "You have no courses yet."));
  main.append(h("h2", { id: "create-heading" }, "Create a course"),
    courseFieldsForm(null, "Create course", async (body) => {
      const created = await api("/api/courses/", { method: "POST", body });
      announce(`Course ${created.title} created`);
      navigate(`/teach/${encodeURIComponent(created.id)}`);
    }));
}
