// `#/teach/:id/usage?from=YYYY-MM-DD&to=YYYY-MM-DD`: the tutor's messages, tokens and estimated cost in a
// course: totals, a bar chart of tokens per day (plain elements, each bar labelled) and a table per student.

import { api } from "../api.js";
import { h, append, field, alertBox, announce } from "../dom.js";
import { navigate } from "../router.js";
import { oversightFrame, coursePath, count, shortCount, cost } from "./oversight.js";

const DAY_MS = 86_400_000;
const MAX_FILLED_DAYS = 400;

const tokensOf = (row) => (Number(row.prompt_tokens) || 0) + (Number(row.completion_tokens) || 0);

/** Every day from `from` to `to` (YYYY-MM-DD, UTC), or null when the range is unusable or too long. */
function dayRange(from, to) {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end) || end < start || (end - start) / DAY_MS > MAX_FILLED_DAYS) return null;
  const days = [];
  for (let t = start; t <= end; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** The days to draw: every day of the period (days without use count zero), in order. */
function chartRows(data) {
  const byDay = new Map((data.by_day || []).map((d) => [d.day, d]));
  const days = dayRange(data.from, data.to) || [...byDay.keys()].sort();
  for (const day of byDay.keys()) if (!days.includes(day)) days.push(day);
  days.sort();
  return days.map((day) => byDay.get(day) || { day, messages: 0, prompt_tokens: 0, completion_tokens: 0, estimated_cost: 0 });
}

function dayText(row) {
  return `${row.day}: ${count(tokensOf(row))} tokens (${count(row.prompt_tokens)} prompt, ${count(row.completion_tokens)} completion), ${count(row.messages)} message(s)`;
}

function dayChart(data) {
  const rows = chartRows(data);
  const highest = Math.max(0, ...rows.map(tokensOf));
  const caption = h("figcaption", { id: "usage-chart-caption" },
    `Tokens per day, ${data.from} to ${data.to} (UTC). Highest day: ${count(highest)} tokens.`);
  if (!rows.length) return h("figure.usage-chart", null, caption, h("p.meta", null, "No days in this period."));
  const scroller = h("div.chart-scroll");
  // On a narrow screen the chart scrolls: start at its end, the most recent days.
  requestAnimationFrame(() => { scroller.scrollLeft = scroller.scrollWidth; });
  return h("figure.usage-chart", null, caption,
    append(scroller, h("ol.day-bars", { "aria-labelledby": "usage-chart-caption" }, rows.map((row, i) => {
      const tokens = tokensOf(row);
      const height = highest ? (tokens / highest) * 100 : 0;
      return h("li.day-bar", { title: dayText(row), dataset: { day: row.day, tokens: String(tokens) } },
        h("span.visually-hidden", null, dayText(row)),
        h("span.day-value", { "aria-hidden": "true" }, tokens ? shortCount(tokens) : "\u00a0"),
        h("span.day-column", { "aria-hidden": "true" },
          h("span.day-fill", { style: `height:${height.toFixed(1)}%`, class: tokens ? null : "empty" })),
        h("span.day-label", { "aria-hidden": "true" }, i === 0 || row.day.endsWith("-01") ? row.day.slice(5) : row.day.slice(8)));
    }))));
}

function totalsList(totals, currency) {
  const stats = [
    ["Messages", count(totals.messages)],
    ["Prompt tokens", count(totals.prompt_tokens)],
    ["Completion tokens", count(totals.completion_tokens)],
    ["Estimated cost", cost(totals.estimated_cost, currency)],
  ];
  return h("dl.usage-totals", null, stats.map(([label, value]) => h("div.stat", null, h("dt", null, label), h("dd", null, value))));
}

function studentTable(rows, currency) {
  if (!rows.length) return h("p", null, "No student used the tutor in this period.");
  return h("div.table-scroll", null, h("table.usage-students", null,
    h("caption", null, "Use of the tutor per student in this period"),
    h("thead", null, h("tr", null, ["Student", "Messages", "Prompt tokens", "Completion tokens", "Estimated cost"]
      .map((t, i) => h("th", { scope: "col", class: i ? "num" : null }, t)))),
    h("tbody", null, rows.map((r) => h("tr", null,
      h("th", { scope: "row" }, r.student),
      h("td.num", null, count(r.messages)),
      h("td.num", null, count(r.prompt_tokens)),
      h("td.num", null, count(r.completion_tokens)),
      h("td.num", null, cost(r.estimated_cost, currency)))))));
}

/** `#/teach/:id/usage`. */
export async function usageView(main, { id }, query) {
  const course = await oversightFrame(main, id, {
    tab: "usage", title: "Usage", denied: "Only this course's instructor can see its usage.",
  });
  if (!course) return;
  const from = h("input", { type: "date", name: "from", value: query.get("from") || "" });
  const to = h("input", { type: "date", name: "to", value: query.get("to") || "" });
  const status = h("div", { "aria-live": "polite" });
  const form = h("form.card.usage-period", { "aria-label": "Period" },
    h("div.period-fields", null, field("From", from), field("To", to), h("button.primary", { type: "submit" }, "Show")),
    h("p.meta", null, "Days are UTC. Leave both empty for the last 30 days."), status);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (from.value) params.set("from", from.value);
    if (to.value) params.set("to", to.value);
    const search = params.toString();
    navigate(`/teach/${encodeURIComponent(course.id)}/usage${search ? `?${search}` : ""}`);
  });
  main.append(form);
  let data;
  try {
    data = await api(coursePath(course.id, "usage/"), { query: { from: query.get("from"), to: query.get("to") } });
  } catch (err) {
    if (err.status !== 400 && err.status !== 422) throw err;
    status.append(alertBox(err.message));
    return;
  }
  // Show the period the server used, in fields the user has not started editing while it loaded.
  if (from.value === (query.get("from") || "")) from.value = data.from || from.value;
  if (to.value === (query.get("to") || "")) to.value = data.to || to.value;
  const totals = data.totals || {};
  main.append(
    h("section", { "aria-labelledby": "totals-heading" }, h("h2", { id: "totals-heading" }, `Totals, ${data.from} to ${data.to}`),
      totalsList(totals, data.currency),
      h("p.meta", null, "The estimated cost uses the configured model's prices; answers from the offline model cost nothing.")),
    h("section", { "aria-labelledby": "days-heading" }, h("h2", { id: "days-heading" }, "Tokens per day"), dayChart(data)),
    h("section", { "aria-labelledby": "students-heading" }, h("h2", { id: "students-heading" }, "By student"),
      studentTable(data.by_student || [], data.currency)));
  announce(`Usage from ${data.from} to ${data.to}: ${count(totals.messages)} messages`);
}
