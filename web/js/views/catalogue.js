// `#/courses`: the catalogue with the API's filters, sort and pagination; the filters live in the URL.

import { api } from "../api.js";
import { h, field, alertBox, pageTitle, announce } from "../dom.js";
import { navigate } from "../router.js";

const KEYS = ["q", "category", "difficulty_level", "tags", "min_price", "max_price", "sort", "order", "page", "page_size"];
const SORTS = [["created_at", "Newest"], ["title", "Title"], ["price", "Price"], ["rating", "Rating"],
  ["duration_hours", "Duration"], ["enrollments", "Popularity"]];

function select(name, options, value) {
  return h("select", { name }, options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)));
}

/** A course card (also used by the progress page). */
export function courseCard(course) {
  const price = Number(course.price) > 0 ? `$${Number(course.price).toFixed(2)}` : "Free";
  return h("li.card.course-card", null,
    h("h2", null, h("a", { href: `#/courses/${encodeURIComponent(course.id)}` }, course.title)),
    h("p.meta", null,
      h("span.badge", null, course.difficulty_level), " ",
      h("span", null, course.category), " · ",
      h("span", null, price), " · ",
      h("span", null, `${course.lesson_count ?? "?"} lessons`),
      course.duration_hours ? ` · ${course.duration_hours} h` : ""),
    h("p.desc", null, (course.description || "").slice(0, 220) + ((course.description || "").length > 220 ? "…" : "")),
    (course.tags || []).length ? h("ul.tags", { "aria-label": "Tags" }, course.tags.map((t) => h("li", null, t))) : null);
}

/** `#/courses?q=&category=&...`. */
export async function catalogueView(main, _params, query) {
  const value = (key, fallback = "") => query.get(key) ?? fallback;
  const controls = {
    q: h("input", { type: "search", name: "q", value: value("q"), placeholder: "e.g. lists, pandas" }),
    category: h("input", { type: "text", name: "category", value: value("category"), list: "categories" }),
    difficulty_level: select("difficulty_level",
      [["", "Any"], ["beginner", "Beginner"], ["intermediate", "Intermediate"], ["advanced", "Advanced"]],
      value("difficulty_level")),
    tags: h("input", { type: "text", name: "tags", value: value("tags"), placeholder: "python, web" }),
    min_price: h("input", { type: "number", name: "min_price", min: 0, step: "0.01", value: value("min_price"), inputmode: "decimal" }),
    max_price: h("input", { type: "number", name: "max_price", min: 0, step: "0.01", value: value("max_price"), inputmode: "decimal" }),
    sort: select("sort", SORTS, value("sort", "created_at")),
    order: select("order", [["desc", "Descending"], ["asc", "Ascending"]], value("order", "desc")),
    page_size: select("page_size", [["10", "10"], ["20", "20"], ["50", "50"]], value("page_size", "20")),
  };
  const datalist = h("datalist", { id: "categories" });
  const more = h("details.more-filters", null, h("summary", null, "More filters and sorting"),
    h("div.grid", null,
      field("Category", controls.category),
      field("Difficulty", controls.difficulty_level),
      field("Tags (all must match)", controls.tags),
      field("Min price ($)", controls.min_price),
      field("Max price ($)", controls.max_price),
      field("Sort by", controls.sort),
      field("Order", controls.order),
      field("Per page", controls.page_size)));
  // Open on wide screens, and whenever a filter beyond the text search is in use.
  more.open = window.matchMedia("(min-width: 721px)").matches
    || KEYS.some((key) => !["q", "page"].includes(key) && query.get(key));
  const form = h("form.filters.card", { role: "search", "aria-label": "Filter courses" },
    field("Search", controls.q),
    more,
    datalist,
    h("div.actions", null,
      h("button.primary", { type: "submit" }, "Apply filters"),
      h("a.button", { href: "#/courses" }, "Clear")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [key, control] of Object.entries(controls)) if (control.value.trim()) params.set(key, control.value.trim());
    navigate(`/courses?${params}`);
  });
  const results = h("section", { "aria-labelledby": "results-heading" });
  main.append(pageTitle(h("h1", null, "Course catalogue"), "Courses"), form, results);

  const apiQuery = {};
  for (const key of KEYS) if (query.get(key)) apiQuery[key] = query.get(key);
  if (apiQuery.tags) apiQuery.tags = apiQuery.tags.split(",").map((t) => t.trim()).filter(Boolean);
  let data;
  try {
    data = await api("/api/courses/", { query: apiQuery });
  } catch (err) {
    results.append(alertBox(err.message));
    return;
  }
  const categories = new Set(data.items.map((c) => c.category));
  datalist.append(...[...categories].map((c) => h("option", { value: c })));
  const pages = Math.max(1, Math.ceil(data.total / data.page_size));
  const summary = `${data.total} course${data.total === 1 ? "" : "s"} found`;
  results.append(h("h2.results-heading", { id: "results-heading" }, summary));
  announce(summary);
  if (!data.items.length) {
    results.append(h("p", null, "No course matches these filters."));
    return;
  }
  results.append(h("ul.course-grid", null, data.items.map(courseCard)));
  const pageLink = (page, label) => {
    const params = new URLSearchParams(query);
    params.set("page", String(page));
    return h("a.button", { href: `#/courses?${params}` }, label);
  };
  results.append(h("nav.pager", { "aria-label": "Pages" },
    data.page > 1 ? pageLink(data.page - 1, "← Previous") : null,
    h("span", null, `Page ${data.page} of ${pages}`),
    data.page < pages ? pageLink(data.page + 1, "Next →") : null));
}
