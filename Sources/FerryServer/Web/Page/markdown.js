// Markdown as models write it — fenced code, headings, lists (nested), tables, quotes, emphasis, links — rendered
// into DOM nodes. Nothing is parsed as HTML: a <script> in an answer is shown as the text "<script>". Links keep
// to http(s) and mailto. Unclosed constructs (an answer still streaming) render as far as they go.

import { copyText, h } from "./dom.js";

const fencePattern = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const headingPattern = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const rulePattern = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const quotePattern = /^ {0,3}>\s?(.*)$/;
const itemPattern = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const tableDelimiterPattern = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/**
 * Renders `text` as a DocumentFragment. `options.citation(n)` makes the element for a citation mark `[n]`
 * (`[1, 2]`, `[2-4]` name several); without it such marks stay text.
 */
export function renderMarkdown(text, options = {}) {
  const fragment = document.createDocumentFragment();
  renderBlocks(String(text ?? "").replace(/\r\n?/g, "\n").split("\n"), fragment, options);
  return fragment;
}

function renderBlocks(lines, parent, options) {
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    if (line.trim() === "") {
      index += 1;
      continue;
    }
    let match;
    if ((match = fencePattern.exec(line))) {
      const fence = match[1];
      const body = [];
      index += 1;
      while (index < lines.length && !new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`).test(lines[index])) {
        body.push(lines[index]);
        index += 1;
      }
      index += 1;
      parent.append(codeBlock(body.join("\n"), match[2]));
    } else if ((match = headingPattern.exec(line))) {
      parent.append(h(`h${Math.min(6, match[1].length + 2)}`, {}, inline(match[2], options)));
      index += 1;
    } else if (rulePattern.test(line)) {
      parent.append(h("hr"));
      index += 1;
    } else if (quotePattern.test(line)) {
      const body = [];
      while (index < lines.length && lines[index].trim() !== "") {
        const quoted = quotePattern.exec(lines[index]);
        body.push(quoted ? quoted[1] : lines[index]);
        index += 1;
      }
      const quote = h("blockquote");
      renderBlocks(body, quote, options);
      parent.append(quote);
    } else if (line.includes("|") && index + 1 < lines.length && tableDelimiterPattern.test(lines[index + 1]) && lines[index + 1].includes("-")) {
      index = renderTable(lines, index, parent, options);
    } else if (itemPattern.test(line)) {
      index = renderList(lines, index, parent, options);
    } else {
      const body = [];
      while (index < lines.length && lines[index].trim() !== "" && !startsBlock(lines, index)) {
        body.push(lines[index].trim());
        index += 1;
      }
      if (body.length === 0) {
        body.push(line.trim());
        index += 1;
      }
      const paragraph = h("p");
      body.forEach((part, position) => {
        if (position > 0) paragraph.append(h("br"));
        paragraph.append(inline(part, options));
      });
      parent.append(paragraph);
    }
  }
}

function startsBlock(lines, index) {
  const line = lines[index];
  return fencePattern.test(line) || headingPattern.test(line) || rulePattern.test(line) || quotePattern.test(line) || itemPattern.test(line) ||
    (line.includes("|") && index + 1 < lines.length && tableDelimiterPattern.test(lines[index + 1]) && lines[index + 1].includes("-"));
}

function indentation(line) {
  return line.length - line.trimStart().length;
}

/** A list from `start`: items at its indentation, their continuation and nested lists indented further. */
function renderList(lines, start, parent, options) {
  const first = itemPattern.exec(lines[start]);
  const baseIndent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const list = h(ordered ? "ol" : "ul");
  if (ordered && parseInt(first[2], 10) !== 1) list.setAttribute("start", String(parseInt(first[2], 10)));
  let index = start;
  let item = null;
  let loose = false;
  const flush = () => {
    if (!item) return;
    const element = h("li");
    const onlyText = item.lines.every((part) => !itemPattern.test(part) && !fencePattern.test(part)) && !item.lines.slice(1).some((part) => part.trim() === "");
    if (onlyText && !loose) {
      item.lines.forEach((part, position) => {
        if (position > 0) element.append(h("br"));
        element.append(inline(part.trim(), options));
      });
    } else {
      renderBlocks(item.lines, element, options);
    }
    list.append(element);
  };
  while (index < lines.length) {
    const line = lines[index];
    if (line.trim() === "") {
      const next = lines.slice(index + 1).findIndex((part) => part.trim() !== "");
      if (next < 0) break;
      const following = lines[index + 1 + next];
      const nextItem = itemPattern.exec(following);
      if ((nextItem && nextItem[1].length === baseIndent && /\d/.test(nextItem[2]) === ordered) || indentation(following) > baseIndent) {
        if (item) item.lines.push("");
        loose = loose || (nextItem && nextItem[1].length === baseIndent);
        index += 1;
        continue;
      }
      break;
    }
    const match = itemPattern.exec(line);
    if (match && match[1].length === baseIndent && /\d/.test(match[2]) === ordered) {
      flush();
      item = { lines: [match[3]], width: match[1].length + match[2].length + 1 };
    } else if (item && (indentation(line) > baseIndent || !startsBlock(lines, index))) {
      const strip = Math.min(indentation(line), item.width + 1);
      item.lines.push(line.slice(strip));
    } else {
      break;
    }
    index += 1;
  }
  flush();
  parent.append(list);
  return index;
}

function splitRow(line) {
  let row = line.trim();
  if (row.startsWith("|")) row = row.slice(1);
  if (row.endsWith("|") && !row.endsWith("\\|")) row = row.slice(0, -1);
  const cells = [];
  let current = "";
  for (let position = 0; position < row.length; position += 1) {
    if (row[position] === "\\" && row[position + 1] === "|") {
      current += "|";
      position += 1;
    } else if (row[position] === "|") {
      cells.push(current.trim());
      current = "";
    } else {
      current += row[position];
    }
  }
  cells.push(current.trim());
  return cells;
}

function renderTable(lines, start, parent, options) {
  const header = splitRow(lines[start]);
  const alignments = splitRow(lines[start + 1]).map((cell) => {
    const left = cell.startsWith(":");
    const right = cell.endsWith(":");
    return left && right ? "center" : right ? "right" : left ? "left" : null;
  });
  const cell = (tag, text, column) => h(tag, { class: alignments[column] ? `align-${alignments[column]}` : null, scope: tag === "th" ? "col" : null }, inline(text, options));
  const head = h("thead", {}, h("tr", {}, header.map((text, column) => cell("th", text, column))));
  const body = h("tbody");
  let index = start + 2;
  while (index < lines.length && lines[index].trim() !== "" && lines[index].includes("|")) {
    const cells = splitRow(lines[index]);
    body.append(h("tr", {}, header.map((_, column) => cell("td", cells[column] ?? "", column))));
    index += 1;
  }
  parent.append(h("div", { class: "table-scroll" }, h("table", {}, head, body)));
  return index;
}

function codeBlock(code, language) {
  return h("div", { class: "code-block" },
    h("div", { class: "code-head" },
      h("span", { class: "code-language" }, language || "code"),
      h("button", { type: "button", class: "copy-button", "aria-label": `Copy ${language || "code"}`, onclick: () => copyText(code, "Code copied") }, "Copy")),
    h("pre", { tabindex: "0" }, h("code", { class: language ? `language-${language}` : null }, code)));
}

const inlinePattern = new RegExp([
  "(`+)", // 1: code span opener
  "\\\\([!-/:-@\\[-`{-~])", // 2: escaped punctuation
  "\\[([^\\]\\n]+)\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)", // 3, 4: link
  "\\[(\\d{1,3}(?:\\s*[-–,]\\s*\\d{1,3})*)\\]", // 5: citation mark
  "(https?:\\/\\/[^\\s<>\"']+)", // 6: bare link
  "\\*\\*(?=\\S)([\\s\\S]*?\\S)\\*\\*", // 7: strong
  "__(?=\\S)([\\s\\S]*?\\S)__", // 8: strong
  "~~(?=\\S)([\\s\\S]*?\\S)~~", // 9: deleted
  "\\*(?=[^\\s*])([\\s\\S]*?[^\\s*])\\*", // 10: emphasis
  "(?<![\\p{L}\\p{N}_])_(?=\\S)([\\s\\S]*?\\S)_(?![\\p{L}\\p{N}_])", // 11: emphasis
].join("|"), "gu");

function safeURL(url) {
  if (/^(https?:|mailto:)/i.test(url)) return url;
  if (/^[/#]/.test(url) && !url.startsWith("//")) return url;
  return null;
}

/** Citation numbers of a mark's text: "1, 2" → [1, 2], "2-4" → [2, 3, 4] (ranges of at most 20). */
export function citationNumbers(text) {
  const numbers = [];
  for (const part of text.split(",")) {
    const range = part.split(/[-–]/).map((value) => parseInt(value.trim(), 10));
    if (range.length === 2 && range[1] >= range[0] && range[1] - range[0] < 20) {
      for (let n = range[0]; n <= range[1]; n += 1) numbers.push(n);
    } else if (range.length === 1 && !Number.isNaN(range[0])) {
      numbers.push(range[0]);
    }
  }
  return numbers;
}

/** Inline Markdown as a fragment. */
export function inline(text, options = {}) {
  const fragment = document.createDocumentFragment();
  const pattern = new RegExp(inlinePattern.source, inlinePattern.flags);
  let position = 0;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    const at = match.index;
    if (match[1]) {
      const closing = text.indexOf(match[1], at + match[1].length);
      if (closing < 0) {
        continue;
      }
      fragment.append(text.slice(position, at));
      fragment.append(h("code", {}, text.slice(at + match[1].length, closing).replace(/^ (.*) $/, "$1")));
      position = closing + match[1].length;
      pattern.lastIndex = position;
      continue;
    }
    fragment.append(text.slice(position, at));
    position = at + match[0].length;
    if (match[2]) {
      fragment.append(match[2]);
    } else if (match[3]) {
      const url = safeURL(match[4]);
      fragment.append(url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, inline(match[3], options)) : inline(match[3], options));
    } else if (match[5]) {
      const numbers = citationNumbers(match[5]);
      const elements = options.citation ? numbers.map((n) => options.citation(n)).filter(Boolean) : [];
      if (elements.length) fragment.append(...elements);
      else fragment.append(match[0]);
    } else if (match[6]) {
      let url = match[6];
      const trailing = /[.,;:!?)\]]+$/.exec(url);
      if (trailing) {
        url = url.slice(0, -trailing[0].length);
        position -= trailing[0].length;
        pattern.lastIndex = position;
      }
      fragment.append(h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url));
    } else if (match[7] || match[8]) {
      fragment.append(h("strong", {}, inline(match[7] || match[8], options)));
    } else if (match[9]) {
      fragment.append(h("del", {}, inline(match[9], options)));
    } else if (match[10] || match[11]) {
      fragment.append(h("em", {}, inline(match[10] || match[11], options)));
    }
  }
  fragment.append(text.slice(position));
  return fragment;
}
