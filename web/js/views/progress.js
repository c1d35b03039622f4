// `#/progress`: per-course progress, per-skill mastery chart, weak areas with evidence, recommendations and path.

import { api, currentUser } from "../api.js";
import { h, alertBox, announce, pageTitle, pct } from "../dom.js";

/** A labelled progress bar (role=progressbar with the value as text too). */
export function bar(label, fraction, text) {
  const value = Math.max(0, Math.min(1, Number(fraction) || 0));
  return h("div.bar", {
    role: "progressbar", "aria-label": label, "aria-valuemin": 0, "aria-valuemax": 100,
    "aria-valuenow": Math.round(value * 100), "aria-valuetext": text || pct(value),
  }, h("span.bar-fill", { style: `width:${(value * 100).toFixed(1)}%` }));
}

function level(p) {
  if (p >= 0.8) return ["strong", "mastered"];
  if (p >= 0.6) return ["mid", "getting there"];
  return ["weak", "needs practice"];
}

/**
 * Mastery per skill as an accessible bar chart: a two-column table (skill, bar with its value in text).
 * @param {object} mastery {skill: p} or {skill: {p, ci, attempts, correct}}
 * @param {object} evidence {skill: "text"} extra evidence (e.g. from weak areas) when `mastery` has none
 * @param {object} names {skill: display name} as the API sends it (`skill_names`); the id shows only if a name is missing
 */
export function masteryChart(mastery, evidence = {}, names = {}) {
  const rows = Object.entries(mastery).map(([skill, info]) => {
    const m = typeof info === "number" ? { p: info } : info;
    return { skill, name: names[skill] || skill, ...m };
  }).sort((a, b) => a.p - b.p || a.name.localeCompare(b.name));
  if (!rows.length) return h("p", null, "No quiz answers yet: take a quiz to see your mastery per skill.");
  return h("table.mastery", null,
    h("caption", null, "Estimated mastery per skill (chance of answering the next question right)"),
    h("thead", null, h("tr", null, h("th", { scope: "col" }, "Skill"), h("th", { scope: "col" }, "Mastery and evidence"))),
    h("tbody", null, rows.map((r) => {
      const [cls, words] = level(r.p);
      const parts = [`${pct(r.p)} · ${words}`];
      if (Array.isArray(r.ci)) parts.push(`90% interval ${pct(r.ci[0])}–${pct(r.ci[1])}`);
      if (r.attempts !== undefined) parts.push(r.attempts ? `${r.correct ?? "?"} of ${r.attempts} answers right` : "no answers yet");
      else if (evidence[r.skill]) parts.push(evidence[r.skill]);
      return h("tr", null,
        h("th", { scope: "row" }, r.name),
        h("td", null, h(`div.mastery-cell.${cls}`, null,
          h("div.bar", { "aria-hidden": "true" },
            Array.isArray(r.ci) ? h("span.bar-ci", { style: `left:${r.ci[0] * 100}%;width:${(r.ci[1] - r.ci[0]) * 100}%` }) : null,
            h("span.bar-fill", { style: `width:${(r.p * 100).toFixed(1)}%` })),
          h("span.value", null, parts.join(" · ")))));
    })));
}

/** Weak areas with their evidence, each named by its skill's display name (`skill_name`) and course title. */
export function weakList(areas, titles = {}) {
  if (!areas.length) return h("p", null, "No weak areas found. Keep going!");
  return h("ul.weak-list", null, areas.map((w) => {
    const name = w.skill_name || w.skill;
    const course = w.course_title || titles[w.course_id];
    return h("li.card", null,
      h("h3", null, name, course ? h("span.meta", null, ` · ${course}`) : null),
      h(`div.mastery-cell.${level(w.mastery)[0]}`, null, bar(`Mastery of ${name}`, w.mastery, `${pct(w.mastery)} mastery`)),
      h("p", null, `Mastery ${pct(w.mastery)} after ${w.attempts} attempt(s); ${w.recent_errors} recent error(s).`),
      w.reason ? h("p.meta", null, "Why: ", w.reason) : null,
      w.last_seen ? h("p.meta", null, `Last practised ${new Date(w.last_seen).toLocaleString()}`) : null);
  }));
}

/**
 * "Useful" / "Not for me" buttons for one recommendation: the answer goes to the recommender
 * (`POST /api/ai/recommendations/feedback/`), which learns from it; a later click replaces it.
 */
function feedbackButtons(item, title) {
  const status = h("span.meta", { role: "status" });
  const send = async (action) => {
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await api("/api/ai/recommendations/feedback/", { method: "POST", body: { ...item, action } });
      status.textContent = action === "accepted" ? " Thanks: noted as useful." : " Thanks: we will suggest it less.";
      announce(`Feedback on ${title} saved.`);
    } catch (err) {
      status.textContent = ` ${err.message}`;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
  const buttons = [
    h("button", { type: "button", "aria-label": `${title}: useful`, onclick: () => send("accepted") }, "Useful"),
    h("button", { type: "button", "aria-label": `${title}: not for me`, onclick: () => send("dismissed") }, "Not for me"),
  ];
  return h("div.feedback", null, ...buttons, status);
}

function recommendations(recs) {
  const courseLink = (id, title) => h("a", { href: `#/courses/${encodeURIComponent(id)}` }, title || id);
  const section = h("section", { "aria-labelledby": "recs-heading" }, h("h2", { id: "recs-heading" }, "Recommended for you"));
  const lessons = recs.next_lessons || [];
  section.append(h("h3", null, "Next lessons"), lessons.length ? h("ol.recs", null, lessons.map((r) => h("li", null,
    h("a", { href: `#/courses/${encodeURIComponent(r.course_id)}/lessons/${encodeURIComponent(r.lesson_id)}` }, r.title || r.lesson_id),
    h("span.meta", null, ` · confidence ${pct(r.confidence_score)}`), h("p", null, r.reason),
    feedbackButtons({ item_type: "lesson", item_id: r.lesson_id, course_id: r.course_id }, r.title || r.lesson_id)))) : h("p", null, "Nothing to suggest yet."));
  const courses = recs.recommended_courses || [];
  section.append(h("h3", null, "Courses"), courses.length ? h("ol.recs", null, courses.map((r) => h("li", null,
    courseLink(r.course_id, r.title), h("span.meta", null, ` · confidence ${pct(r.confidence_score)}`),
    h("p", null, r.reason),
    feedbackButtons({ item_type: "course", item_id: r.course_id }, r.title || r.course_id)))) : h("p", null, "No other course to suggest right now."));
  const path = recs.learning_path;
  if (path && (path.courses || path.course_ids || []).length) {
    const items = path.courses || path.course_ids.map((id) => ({ course_id: id, title: id }));
    section.append(h("h3", null, "Your learning path"),
      h("p", null, `${items.length} course(s), about ${Math.round(path.total_hours)} h`,
        (recs.career_goals || []).length ? ` toward: ${recs.career_goals.join(", ")}` : "",
        path.feasible === false ? " (some goal skills are not taught by any course)" : ""),
      h("ol.path", null, items.map((c) => h("li", null, courseLink(c.course_id, c.title)))));
  }
  return section;
}

/** `#/progress`. */
export async function progressView(main) {
  const user = currentUser();
  main.append(pageTitle(h("h1", null, "My progress"), "My progress"));
  const [progress, enrollments, recs] = await Promise.all([
    api("/api/progress/"), api("/api/enrollments/"),
    api(`/api/ai/recommendations/${encodeURIComponent(user.id)}/`).catch((err) => err),
  ]);
  const titles = Object.fromEntries(enrollments.map((e) => [e.course_id, e.course_title]));
  const byCourse = Object.fromEntries(progress.map((p) => [p.course_id, p]));
  const courses = h("section", { "aria-labelledby": "courses-heading" }, h("h2", { id: "courses-heading" }, "Courses"));
  if (!enrollments.length) courses.append(h("p", null, "You are not enrolled in any course yet. ", h("a", { href: "#/courses" }, "Browse the catalogue")));
  courses.append(h("ul.progress-list", null, enrollments.map((e) => {
    const p = byCourse[e.course_id];
    const value = p ? p.progress_percentage / 100 : 0;
    const quizzes = p ? p.quiz_scores : [];
    return h("li.card", null,
      h("h3", null, h("a", { href: `#/courses/${encodeURIComponent(e.course_id)}` }, e.course_title || e.course_id)),
      bar(`Progress in ${e.course_title || e.course_id}`, value, `${Math.round(value * 100)}% complete`),
      h("p", null, `${Math.round(value * 100)}% complete · ${p ? p.completed_lessons.length : 0} lesson(s) done`,
        quizzes.length ? ` · ${quizzes.length} quiz(zes), best ${Math.round(Math.max(...quizzes.map((q) => q.best_score || 0)))}%` : ""));
  })));
  main.append(courses);

  // Mastery: per-course detail ({p, ci, attempts, correct}) when the progress carries it, else the overall map.
  const detailed = {};
  progress.forEach((p) => Object.entries(p.mastery || {}).forEach(([skill, info]) => {
    if (!detailed[skill] || info.p > detailed[skill].p) detailed[skill] = info;
  }));
  const mastery = Object.keys(detailed).length ? detailed : (recs && !(recs instanceof Error) && recs.mastery) || {};
  const weak = progress.flatMap((p) => (p.weak_areas || []).map((w) => ({ course_id: p.course_id, ...w })));
  const weakAreas = weak.length ? weak.sort((a, b) => a.mastery - b.mastery) : (recs && recs.weak_areas) || [];
  const evidence = Object.fromEntries(weakAreas.map((w) => [w.skill, `${w.attempts} answer(s), ${w.recent_errors} recent error(s)`]));
  // Display names of skills, as the API sends them next to the ids.
  const names = Object.assign({}, (recs && !(recs instanceof Error) && recs.skill_names) || {},
    ...progress.map((p) => p.skill_names || {}));
  main.append(h("section", { "aria-labelledby": "mastery-heading" }, h("h2", { id: "mastery-heading" }, "Skills"),
    masteryChart(mastery, evidence, names)));

  main.append(h("section", { "aria-labelledby": "weak-heading" }, h("h2", { id: "weak-heading" }, "Weak areas"), weakList(weakAreas, titles)));

  if (recs instanceof Error) {
    main.append(alertBox(recs.status === 404 ? "No recommendations yet." : `Recommendations are unavailable: ${recs.message}`, "notice"));
  } else {
    main.append(recommendations(recs));
  }
}
