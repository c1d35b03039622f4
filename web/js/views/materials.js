// Course material: drag-and-drop upload of several files, live per-file ingestion status, list with delete.

import { api } from "../api.js";
import { h, alertBox, announce } from "../dom.js";

const DONE = new Set(["succeeded", "partial", "failed"]);
const FILE_DONE = new Set(["indexed", "unchanged", "failed"]);
const ACCEPT = ".md,.markdown,.rst,.txt,.html,.htm,.pdf,.docx,.vtt,.srt";

function statusText(file) {
  if (file.status === "failed") return `Failed: ${file.error || file.error_code || "unknown error"}${file.error_code ? ` (${file.error_code})` : ""}`;
  if (file.status === "indexed") return `Indexed · ${file.chunks} passage(s)`;
  if (file.status === "unchanged") return "Unchanged (already indexed)";
  const progress = file.chunks ? ` · ${file.chunks_done || 0}/${file.chunks}` : "";
  return `${file.status[0].toUpperCase()}${file.status.slice(1)}${progress}…`;
}

/** One row of the upload list: filename, a live status and a progress element. */
function uploadRow(name) {
  const state = h("span.file-state", null, "Uploading…");
  const meter = h("progress", { max: 1, "aria-label": `Ingestion of ${name}` });
  const row = h("li.upload-row", { dataset: { file: name, status: "uploading" } }, h("span.file-name", null, name), meter, state);
  return {
    row,
    set(status, text, fraction) {
      row.dataset.status = status;
      row.classList.toggle("failed", status === "failed");
      row.classList.toggle("done", FILE_DONE.has(status));
      state.textContent = text;
      meter.hidden = status === "failed";
      if (fraction === null) meter.removeAttribute("value");
      else meter.value = fraction;
    },
  };
}

async function pollJob(jobId, rows, onFinished) {
  for (let delay = 400; ; delay = Math.min(2000, delay * 1.3)) {
    let job;
    try {
      job = await api(`/api/ingest/jobs/${encodeURIComponent(jobId)}/`);
    } catch (err) {
      rows.forEach((r) => r.set("failed", `Status unavailable: ${err.message}`, 0));
      return;
    }
    for (const file of job.files) {
      const row = rows.find((r) => r.row.dataset.file === file.filename);
      if (!row) continue;
      const fraction = FILE_DONE.has(file.status) ? 1 : file.chunks ? (file.chunks_done || 0) / file.chunks : null;
      row.set(file.status, statusText(file), fraction);
    }
    if (DONE.has(job.state)) {
      onFinished(job);
      return;
    }
    await new Promise((resolve) => { setTimeout(resolve, delay); });
  }
}

/** The materials section of a course the instructor owns. */
export function materialsSection(course) {
  const lessons = course.modules.flatMap((m) => m.lessons.map((l) => [l.id, `${m.title} › ${l.title}`]));
  const lesson = h("select", { id: "upload-lesson", name: "lesson_id" },
    h("option", { value: "" }, "The whole course"), lessons.map(([id, label]) => h("option", { value: id }, label)));
  const input = h("input", { type: "file", id: "material-files", name: "files", multiple: true, accept: ACCEPT, class: "visually-hidden" });
  const zone = h("div.dropzone", { tabindex: "-1" },
    h("p", null, h("strong", null, "Drop files here"), " or ",
      h("label.button", { for: "material-files" }, "choose files")),
    h("p.meta", null, "Markdown, reST, HTML, PDF, DOCX, plain text, WebVTT/SRT. Several at once."), input);
  const rows = h("ul.upload-list", { "aria-live": "polite", "aria-label": "Uploads" });
  const list = h("div");
  const refresh = async () => {
    try {
      list.replaceChildren(materialTable(course.id, await api(`/api/courses/${encodeURIComponent(course.id)}/materials/`), refresh));
    } catch (err) {
      list.replaceChildren(alertBox(err.message));
    }
  };
  const uploadAll = async (files) => {
    // One request per file, so a refused file (415, 413, empty) is reported alone and the others go through.
    const pending = [];
    for (const file of files) {
      const row = uploadRow(file.name);
      rows.prepend(row.row);
      const form = new FormData();
      form.append("file", file, file.name);
      try {
        const query = lesson.value ? { lesson_id: lesson.value } : undefined;
        const job = await api(`/api/courses/${encodeURIComponent(course.id)}/materials/`, { method: "POST", form, query });
        row.set("queued", "Queued…", null);
        pending.push(pollJob(job.id, [row], (done) => announce(`${file.name}: ${done.state}`)));
      } catch (err) {
        row.set("failed", `Refused: ${err.message}`, 0);
        announce(`${file.name} refused: ${err.message}`);
      }
    }
    await Promise.all(pending);
    await refresh();
  };
  input.addEventListener("change", () => {
    const files = [...input.files];
    input.value = "";
    if (files.length) uploadAll(files);
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const files = [...(event.dataTransfer?.files || [])];
    if (files.length) uploadAll(files);
  });
  refresh();
  return h("section.card", { "aria-labelledby": "materials-heading" },
    h("h2", { id: "materials-heading" }, "Course material"),
    h("div.field", null, h("label", { for: "upload-lesson" }, "Attach uploads to"), lesson),
    zone, rows, h("h3", null, "Uploaded material"), list);
}

function materialTable(courseId, materials, refresh) {
  if (!materials.length) return h("p", null, "No material uploaded yet.");
  return h("table.materials", null,
    h("caption.visually-hidden", null, "Uploaded material"),
    h("thead", null, h("tr", null, ["File", "Lesson", "Status", ""].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", null, materials.map((m) => h("tr", null,
      h("td", null, m.filename),
      h("td", null, m.lesson_id || "—"),
      h("td", null, statusText(m)),
      h("td", null, h("button.danger", {
        type: "button",
        "aria-label": `Delete ${m.filename}`,
        onclick: async (event) => {
          if (!window.confirm(`Delete ${m.filename} and its indexed passages?`)) return;
          event.currentTarget.disabled = true;
          try {
            await api(`/api/courses/${encodeURIComponent(courseId)}/materials/${encodeURIComponent(m.id)}/`, { method: "DELETE" });
            announce(`${m.filename} deleted`);
          } catch (err) {
            announce(`Could not delete ${m.filename}: ${err.message}`);
          }
          refresh();
        },
      }, "Delete"))))));
}
