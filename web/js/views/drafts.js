// `#/teach/:id/drafts`: generate quiz question drafts from the course material, review them (edit, approve
// into a lesson's quiz, reject) beside their source passages, and accept the concepts found in the material.

import { api, currentUser } from "../api.js";
import { h, field, alertBox, pageTitle, announce } from "../dom.js";
import { courseTabs } from "./teach_course.js";
import { draftCard, lessonOptions, citationText } from "./draft_card.js";

const STATUSES = [["draft", "Under review"], ["approved", "Approved"], ["rejected", "Rejected"]];
const EMPTY = {
  draft: "No drafts are waiting for review. Generate some above.",
  approved: "No draft has been approved yet.",
  rejected: "No draft has been rejected.",
};
const POLL_MS = 1000;
const FINISHED = new Set(["succeeded", "failed"]);

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** "Kept 4 of 6 generated (5 asked for). Rejected by the quality checks: 2 (1 duplicate, 1 answer in prompt)." */
export function jobSummary(job) {
  const reasons = Object.entries(job.rejected || {}).filter(([, n]) => n > 0);
  const rejected = reasons.reduce((sum, [, n]) => sum + n, 0);
  const kept = `Kept ${job.kept ?? 0} of ${job.generated ?? 0} generated (${job.requested} asked for).`;
  const why = rejected
    ? ` Rejected by the quality checks: ${rejected} (${reasons.map(([reason, n]) => `${n} ${reason.replace(/_/g, " ")}`).join(", ")}).`
    : " None rejected.";
  return kept + why;
}

function generateSection(course, base, lessons, onFinished) {
  const count = h("input", { type: "number", id: "draft-count", name: "count", min: 1, max: 50, step: 1, value: 5, required: true, inputmode: "numeric" });
  const lesson = h("select", { id: "draft-lesson", name: "lesson_id" },
    h("option", { value: "" }, "All course material"), lessons.map(([id, label]) => h("option", { value: id }, label)));
  const meter = h("progress", { max: 1, hidden: true, "aria-label": "Draft generation" });
  const status = h("div.job-status", { "aria-live": "polite", tabindex: "-1" });
  const button = h("button.primary", { type: "submit" }, "Generate drafts");
  const form = h("form.card", { "aria-labelledby": "generate-heading" },
    h("h2", { id: "generate-heading" }, "Generate drafts"),
    h("p.meta", null, "Questions are written from the uploaded material; every one passes automatic quality checks before it is listed here for your review."),
    h("div.generate-fields", null, field("Number of drafts", count, "1 to 50."), field("From lesson", lesson)),
    h("div.actions", null, button, meter), status);
  const report = (job) => {
    status.dataset.state = job.state;
    const finished = FINISHED.has(job.state);
    meter.hidden = finished;
    if (job.state === "failed") {
      status.replaceChildren(alertBox(`Generation failed: ${job.error || "unknown error"}`));
    } else if (job.state === "succeeded") {
      status.replaceChildren(...[h("p.ok", null, `✓ ${jobSummary(job)}`), job.error ? alertBox(job.error, "notice") : null].filter(Boolean));
    } else {
      status.replaceChildren(h("p", null, job.state === "queued" ? "Queued…" : "Generating drafts…"));
    }
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { count: Number(count.value) };
    if (lesson.value) body.lesson_id = lesson.value;
    button.disabled = true;
    status.replaceChildren();
    delete status.dataset.state;
    meter.hidden = false;
    meter.removeAttribute("value");
    let job;
    try {
      job = await api(`${base}/question-drafts/`, { method: "POST", body });
      report(job);
      let failures = 0;
      while (!FINISHED.has(job.state) && form.isConnected) {
        await sleep(POLL_MS);
        try {
          job = await api(`${base}/question-drafts/jobs/${encodeURIComponent(job.id)}/`);
          failures = 0;
          report(job);
        } catch (err) {
          failures += 1;
          if (failures >= 3) throw err;
        }
      }
    } catch (err) {
      meter.hidden = true;
      status.dataset.state = "error";
      status.replaceChildren(alertBox(job ? `Generation status unavailable: ${err.message}` : err.message));
      count.focus();
      return;
    } finally {
      button.disabled = false;
    }
    if (!form.isConnected) return;
    announce(job.state === "succeeded" ? `Generation finished. ${jobSummary(job)}` : `Generation failed: ${job.error || ""}`);
    if (job.state === "succeeded") onFinished(job);
  });
  return form;
}

function draftsSection(course, base, lessons, initial) {
  let status = initial;
  let fresh = new Set();
  let loads = 0;
  const radios = STATUSES.map(([value, label]) => {
    const input = h("input", { type: "radio", id: `draft-status-${value}`, name: "draft-status", value, checked: value === status });
    input.addEventListener("change", () => {
      if (!input.checked) return;
      status = value;
      message.replaceChildren();
      history.replaceState(null, "", `#/teach/${encodeURIComponent(course.id)}/drafts${value === "draft" ? "" : `?status=${value}`}`);
      load();
    });
    return h("span.segment", null, input, h("label", { for: input.id }, label));
  });
  const message = h("div.list-message", { tabindex: "-1" });
  const summary = h("p.meta", { role: "status" });
  const list = h("div.draft-list");

  const onDone = async (text) => {
    fresh.clear();
    await load();
    message.replaceChildren(alertBox(text, "ok"));
    message.focus();
  };
  async function load() {
    loads += 1;
    const mine = loads;
    list.setAttribute("aria-busy", "true");
    try {
      const data = await api(`${base}/question-drafts/`, { query: { status } });
      if (mine !== loads) return;
      const items = data.items || [];
      const label = STATUSES.find(([value]) => value === status)[1].toLowerCase();
      summary.textContent = `${items.length} draft(s) ${label}.`;
      list.replaceChildren(items.length
        ? h("ol.draft-items", { "aria-label": `Drafts ${label}` }, items.map((draft, i) => h("li", null,
          draftCard(draft, { course, base, lessons, number: i + 1, isNew: fresh.has(draft.id), onDone }))))
        : h("p", null, EMPTY[status]));
    } catch (err) {
      if (mine === loads) list.replaceChildren(alertBox(err.message));
    } finally {
      if (mine === loads) list.removeAttribute("aria-busy");
    }
  }
  const section = h("section", { "aria-labelledby": "drafts-heading" },
    h("h2", { id: "drafts-heading" }, "Drafts"),
    h("fieldset.segmented", null, h("legend", null, "Show"), h("div.segments", null, radios)),
    message, summary, list);
  return {
    section,
    load,
    /** After a generation job: show the drafts under review, the new ones marked. */
    showNew(ids) {
      fresh = new Set(ids);
      message.replaceChildren();
      const draftRadio = radios[0].querySelector("input");
      if (!draftRadio.checked) {
        draftRadio.checked = true;
        status = "draft";
        history.replaceState(null, "", `#/teach/${encodeURIComponent(course.id)}/drafts`);
      }
      return load();
    },
  };
}

function conceptsSection(base) {
  const list = h("div.concepts", null, h("p.meta", null, "Loading…"));
  const status = h("div", { "aria-live": "polite" });
  const save = h("button.primary", { type: "submit", hidden: true }, "Save concepts");
  let items = [];
  const render = (next) => {
    items = next;
    save.hidden = !items.length;
    if (!items.length) {
      list.replaceChildren(h("p", null, "No concepts found yet: upload and index course material first."));
      return;
    }
    list.replaceChildren(h("fieldset", null, h("legend", null, "Proposed concepts"),
      h("ul.concept-list", null, items.map((c, i) => {
        const id = `concept-${i}`;
        const passages = c.passages || [];
        return h("li.concept", null,
          h("div.concept-pick", null,
            h("input", { type: "checkbox", id, name: "concept", value: c.id, checked: Boolean(c.accepted) }),
            h("label", { for: id }, c.name), h("code.meta", null, c.id)),
          passages.length ? h("details", null, h("summary", null, `${passages.length} passage(s)`),
            h("ul.concept-passages", null, passages.slice(0, 3).map((p) => h("li", null,
              h("span.draft-citation", null, citationText(p.citation)),
              h("blockquote", null, p.text.length > 280 ? `${p.text.slice(0, 280)}…` : p.text))))) : null);
      }))));
  };
  const form = h("form.card", { "aria-labelledby": "concepts-heading" },
    h("h2", { id: "concepts-heading" }, "Concepts"),
    h("p.meta", null, "Concepts found in the uploaded material. The ones you accept become the course's skill tags, and new drafts are tagged with them."),
    list, status, save);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    const checked = new Set([...list.querySelectorAll("input[name=concept]:checked")].map((el) => el.value));
    const concepts = items.filter((c) => checked.has(c.id)).map((c) => ({ id: c.id, name: c.name }));
    save.disabled = true;
    try {
      const data = await api(`${base}/concepts/`, { method: "PUT", body: { concepts } });
      render(data.items || []);
      status.append(h("p.ok", null, `✓ Saved: ${concepts.length} concept(s) accepted.`));
      announce(`Concepts saved: ${concepts.length} accepted`);
    } catch (err) {
      status.append(alertBox(err.message));
    } finally {
      save.disabled = false;
    }
  });
  api(`${base}/concepts/`)
    .then((data) => render(data.items || []))
    .catch((err) => list.replaceChildren(alertBox(`Concepts are unavailable: ${err.message}`)));
  return form;
}

/** `#/teach/:id/drafts?status=draft|approved|rejected`. */
export async function draftsView(main, { id }, query) {
  const course = await api(`/api/courses/${encodeURIComponent(id)}/`);
  main.append(h("nav.breadcrumbs", { "aria-label": "Breadcrumb" }, h("a", { href: "#/teach" }, "Teach"), " › ",
    h("a", { href: `#/teach/${encodeURIComponent(course.id)}` }, course.title), " › Question drafts"),
  pageTitle(h("h1", null, "Question drafts"), `Question drafts · ${course.title}`));
  if (course.instructor_id !== currentUser().id) {
    main.append(alertBox("Only this course's instructor can review its question drafts."));
    return;
  }
  main.append(courseTabs(course, "drafts"));
  const base = `/api/courses/${encodeURIComponent(course.id)}`;
  const lessons = lessonOptions(course);
  const initial = STATUSES.some(([value]) => value === query.get("status")) ? query.get("status") : "draft";
  const drafts = draftsSection(course, base, lessons, initial);
  main.append(generateSection(course, base, lessons, (job) => drafts.showNew(job.draft_ids || [])),
    drafts.section, conceptsSection(base));
  await drafts.load();
}
