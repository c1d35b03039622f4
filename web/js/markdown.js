// A small, safe Markdown renderer: builds DOM nodes (text nodes only, never innerHTML).
// Each block element records the character range of the source it came from in data-start/data-end,
// so a citation's char offsets can highlight the passage it points at.

import { h } from "./dom.js";

const SAFE_URL = /^(https?:\/\/|#|\/(?!\/)|mailto:)/i;

/** Inline Markdown: `code`, **bold**, *em* / _em_, [text](url). */
export function inline(text) {
  const out = [];
  const pattern = /(`+)([^`]+?)\1|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|\b_([^_]+)_\b|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[2] !== undefined) out.push(h("code", null, m[2]));
    else if (m[3] !== undefined || m[4] !== undefined) out.push(h("strong", null, inline(m[3] ?? m[4])));
    else if (m[5] !== undefined || m[6] !== undefined) out.push(h("em", null, inline(m[5] ?? m[6])));
    else if (SAFE_URL.test(m[8])) {
      const external = /^https?:/i.test(m[8]);
      out.push(h("a", { href: m[8], rel: external ? "noopener noreferrer" : null }, inline(m[7])));
    } else out.push(m[7]);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function lineStarts(source) {
  const starts = [0];
  for (let i = 0; i < source.length; i += 1) if (source[i] === "\n") starts.push(i + 1);
  return starts;
}

/**
 * Render Markdown into a container element.
 * @param {string} source Markdown text
 * @param {{headingOffset?: number}} options shift heading levels (a lesson's "#" becomes <h2>)
 * @returns {HTMLElement} a div.markdown
 */
export function renderMarkdown(source, { headingOffset = 1 } = {}) {
  const text = String(source || "").replace(/\r\n?/g, "\n");
  const lines = text.split("\n");
  const starts = lineStarts(text);
  const root = h("div.markdown");
  const end = (i) => starts[i] + lines[i].length;
  const mark = (el, from, to) => {
    el.dataset.start = String(starts[from]);
    el.dataset.end = String(end(to));
    return el;
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) { i += 1; continue; }
    const fence = /^\s*(```|~~~)\s*([\w+-]*)/.exec(line);
    if (fence) {
      const from = i;
      const body = [];
      i += 1;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      const to = Math.min(i, lines.length - 1);
      i += 1;
      root.append(mark(h("pre", null, h("code", { "data-lang": fence[2] || null }, body.join("\n"))), from, to));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = Math.min(6, heading[1].length + headingOffset);
      root.append(mark(h(`h${level}`, null, inline(heading[2])), i, i));
      i += 1;
      continue;
    }
    const listItem = /^\s*([-*+]|\d+[.)])\s+/;
    if (listItem.test(line)) {
      const ordered = /\d/.test(listItem.exec(line)[1]);
      const list = h(ordered ? "ol" : "ul");
      const from = i;
      while (i < lines.length && listItem.test(lines[i])) {
        let itemText = lines[i].replace(listItem, "");
        const itemFrom = i;
        i += 1;
        while (i < lines.length && /^\s{2,}\S/.test(lines[i]) && !listItem.test(lines[i])) itemText += ` ${lines[i++].trim()}`;
        list.append(mark(h("li", null, inline(itemText)), itemFrom, i - 1));
      }
      root.append(mark(list, from, i - 1));
      continue;
    }
    if (/^\s*>/.test(line)) {
      const from = i;
      const quote = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) quote.push(lines[i++].replace(/^\s*>\s?/, ""));
      root.append(mark(h("blockquote", null, h("p", null, inline(quote.join(" ")))), from, i - 1));
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      root.append(mark(h("hr"), i, i));
      i += 1;
      continue;
    }
    if (/^( {4}|\t)/.test(line)) {
      const from = i;
      const body = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]) || !lines[i].trim())) body.push(lines[i++].replace(/^( {4}|\t)/, ""));
      while (i - 1 > from && !lines[i - 1].trim()) { body.pop(); i -= 1; }
      root.append(mark(h("pre", null, h("code", null, body.join("\n"))), from, i - 1));
      continue;
    }
    const from = i;
    const para = [];
    while (i < lines.length && lines[i].trim() && !/^(#{1,6}\s|\s*(```|~~~)|\s*>|\s*([-*+]|\d+[.)])\s+)/.test(lines[i])) {
      para.push(lines[i++].trim());
    }
    if (!para.length) para.push(lines[i++].trim());
    root.append(mark(h("p", null, inline(para.join(" "))), from, i - 1));
  }
  return root;
}

function words(text) {
  return (String(text).toLowerCase().match(/[a-z0-9_]{3,}/g) || []);
}

/**
 * Highlight the blocks of a rendered lesson that a citation points at.
 * Uses the char offsets when the text there matches the snippet, else the best word overlap.
 * @returns {HTMLElement|null} the first highlighted block
 */
export function highlightPassage(root, source, { start, end, snippet }) {
  const blocks = [...root.querySelectorAll(":scope > [data-start]")];
  if (!blocks.length) return null;
  const want = new Set(words(snippet));
  const overlap = (text) => {
    const got = words(text);
    return got.length ? got.filter((w) => want.has(w)).length / Math.max(1, Math.min(want.size, got.length)) : 0;
  };
  let chosen = [];
  const s = Number(start);
  const e = Number(end);
  if (Number.isFinite(s) && Number.isFinite(e) && e > s && (!want.size || overlap(source.slice(s, e)) >= 0.5)) {
    chosen = blocks.filter((b) => Number(b.dataset.start) < e && Number(b.dataset.end) > s);
    // Offsets index the ingested file, which may differ slightly from the lesson text: drop edge blocks
    // that share little with the snippet.
    if (want.size) {
      while (chosen.length > 1 && overlap(chosen[0].textContent) < 0.3) chosen.shift();
      while (chosen.length > 1 && overlap(chosen.at(-1).textContent) < 0.3) chosen.pop();
    }
  }
  if (!chosen.length && want.size) {
    const scored = blocks.map((b) => [overlap(b.textContent), b]).filter(([score]) => score >= 0.4);
    scored.sort((a, b) => b[0] - a[0]);
    chosen = scored.slice(0, 3).map(([, b]) => b).sort((a, b) => Number(a.dataset.start) - Number(b.dataset.start));
  }
  chosen.forEach((b) => b.classList.add("cited"));
  return chosen[0] || null;
}
