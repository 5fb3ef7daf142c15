// The chat page: conversations kept in the browser, answers streamed from /v1/chat/completions (or /api/query with
// a documents collection, with numbered citations), rendered as Markdown as they arrive.

import { FerryError, apiJSON, postJSON, serverSentEvents } from "./api.js";
import { byId, clear, copyText, formatMilliseconds, h, toast } from "./dom.js";
import { renderMarkdown } from "./markdown.js";
import * as store from "./store.js";

let current = null;
let running = null; // { controller, message, render }
let routes = [];
let collections = null; // null: no documents API

export async function initChat() {
  byId("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });
  byId("prompt").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || document.querySelector("dialog[open]")) return;
    if (byId("sidebar").classList.contains("open")) toggleSidebar(false);
    else if (running) stop();
  });
  byId("stop-button").addEventListener("click", stop);
  byId("new-conversation").addEventListener("click", () => {
    open(createConversation());
    byId("prompt").focus();
  });
  byId("route-select").addEventListener("change", () => updateSetting("route", byId("route-select").value));
  byId("collection-select").addEventListener("change", () => {
    updateSetting("sessionId", null); // a documents session belongs to its collection
    updateSetting("collection", byId("collection-select").value);
  });
  byId("system-prompt").addEventListener("change", () => updateSetting("system", byId("system-prompt").value));
  byId("temperature").addEventListener("input", () => {
    const value = parseFloat(byId("temperature").value);
    updateSetting("temperature", value < 0 ? null : value);
    showTemperature();
  });
  byId("sidebar-toggle").addEventListener("click", () => toggleSidebar());
  // Leaving mid-answer keeps what has arrived, marked as stopped.
  window.addEventListener("pagehide", () => {
    if (!running) return;
    running.message.stopped = true;
    store.save(current);
  });
  const saved = store.conversation(store.currentID()) || store.conversations()[0];
  open(saved || createConversation());
  await Promise.all([loadRoutes(), loadCollections()]);
}

function createConversation() {
  const latest = current;
  return store.newConversation({
    route: latest?.route || routes[0] || "",
    system: latest?.system || "",
    temperature: latest?.temperature ?? null,
  });
}

/** A new conversation that asks `collection` (the documents page's "Ask these documents"). */
export function startWithCollection(collection) {
  const conversation = createConversation();
  conversation.collection = collection;
  open(conversation);
  if (collections && !collections.includes(collection)) loadCollections();
  byId("prompt").focus();
}

function toggleSidebar(open) {
  const sidebar = byId("sidebar");
  const shown = open ?? !sidebar.classList.contains("open");
  sidebar.classList.toggle("open", shown);
  byId("sidebar-toggle").setAttribute("aria-expanded", String(shown));
}

function updateSetting(name, value) {
  if (!current) return;
  current[name] = value;
  if (current.messages.length) store.save(current);
}

function showTemperature() {
  const value = parseFloat(byId("temperature").value);
  byId("temperature-value").textContent = value < 0 ? "default" : value.toFixed(1);
}

async function loadRoutes() {
  try {
    const models = await apiJSON("/v1/models");
    routes = (models.data || []).map((model) => model.id);
  } catch (error) {
    routes = [];
    toast(`The routes could not be listed: ${error.message}`);
  }
  fillRoutes();
}

function fillRoutes() {
  const select = byId("route-select");
  clear(select);
  const names = [...routes];
  if (current?.route && !names.includes(current.route)) names.push(current.route);
  for (const name of names) select.append(h("option", { value: name }, name));
  if (current && !current.route && names.length) current.route = names[0];
  select.value = current?.route || "";
}

export async function loadCollections() {
  try {
    const list = await apiJSON("/api/collections");
    collections = (list.collections || []).map((item) => item.name);
  } catch (error) {
    collections = error.status === 404 ? null : [];
  }
  fillCollections();
  return collections;
}

function fillCollections() {
  byId("collection-label").hidden = collections === null;
  const select = byId("collection-select");
  clear(select);
  select.append(h("option", { value: "" }, "None: chat"));
  const names = [...(collections || [])];
  if (current?.collection && !names.includes(current.collection)) names.push(current.collection);
  for (const name of names) select.append(h("option", { value: name }, name));
  select.value = current?.collection || "";
}

function open(conversation) {
  if (running) stop();
  // An answer without its end (meta.total) was cut by a reload or a closed tab.
  for (const message of conversation.messages) {
    if (message.role === "assistant" && message.meta?.total === undefined && !message.error) message.stopped = true;
  }
  current = conversation;
  store.setCurrentID(conversation.id);
  byId("system-prompt").value = conversation.system || "";
  byId("temperature").value = conversation.temperature ?? -0.1;
  showTemperature();
  fillRoutes();
  fillCollections();
  renderConversationList();
  renderMessages();
  toggleSidebar(false);
}

function renderConversationList() {
  const list = clear(byId("conversation-list"));
  const items = store.conversations();
  if (current && !items.some((item) => item.id === current.id)) items.unshift(current);
  for (const item of items) {
    const selected = item.id === current?.id;
    const title = h("button", { type: "button", class: "conversation-title", "aria-current": selected ? "true" : null, onclick: () => open(store.conversation(item.id) || item) }, item.title);
    const rename = h("button", { type: "button", class: "icon-button small", "aria-label": `Rename ${item.title}`, title: "Rename", onclick: () => startRename(entry, item) }, "✎");
    const remove = h("button", { type: "button", class: "icon-button small", "aria-label": `Delete ${item.title}`, title: "Delete", onclick: () => removeConversation(item) }, "×");
    const entry = h("li", { class: selected ? "selected" : null }, title, rename, remove);
    list.append(entry);
  }
}

function startRename(entry, item) {
  const input = h("input", { class: "rename-input", value: item.title, "aria-label": "New name" });
  let finished = false;
  const finish = (keep) => {
    if (finished) return; // Enter, then the blur of the input it removes
    finished = true;
    if (keep && input.value.trim()) {
      const saved = store.conversation(item.id) || item;
      saved.title = input.value.trim().slice(0, 80);
      store.save(saved);
      if (current?.id === item.id) current.title = saved.title;
    }
    renderConversationList();
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") finish(true);
    if (event.key === "Escape") {
      event.stopPropagation();
      finish(false);
    }
  });
  input.addEventListener("blur", () => finish(true));
  clear(entry).append(input);
  input.focus();
  input.select();
}

function removeConversation(item) {
  if (!confirm(`Delete the conversation "${item.title}"?`)) return;
  store.remove(item.id);
  if (current?.id === item.id) {
    const next = store.conversations()[0];
    open(next || createConversation());
  } else {
    renderConversationList();
  }
  toast("Conversation deleted");
}

function renderMessages() {
  const container = clear(byId("messages"));
  if (!current.messages.length) {
    container.append(h("div", { class: "empty-chat" },
      h("p", {}, "Ask a question to start."),
      h("p", { class: "help" }, "Pick a route above; with a documents collection the answer cites its sources.")));
    return;
  }
  for (const message of current.messages) container.append(messageElement(message));
  container.scrollTop = container.scrollHeight;
}

function messageElement(message) {
  const body = h("div", { class: "message-body", dir: "auto" });
  const element = h("article", { class: `message ${message.role}`, "aria-label": message.role === "user" ? "You" : "Answer" }, body);
  const render = () => {
    clear(body);
    if (message.role === "user") {
      body.append(h("p", {}, message.content));
    } else {
      body.append(renderMarkdown(message.content, { citation: message.sources ? (n) => citationButton(message, n) : undefined }));
      if (!message.content && !message.error && !message.stopped) body.append(h("span", { class: "typing", "aria-label": "Waiting for the answer" }, "…"));
    }
    element.querySelectorAll(":scope > .message-extra").forEach((node) => node.remove());
    if (message.role === "assistant") element.append(...extras(message));
  };
  render();
  element.render = render;
  return element;
}

function extras(message) {
  const parts = [];
  if (message.error) {
    parts.push(h("div", { class: "message-extra error-box", role: "alert" },
      h("strong", {}, message.error.message),
      message.error.hint ? h("p", {}, "Try: ", message.error.hint) : null));
  }
  if (message.sources?.length) {
    const list = h("ol", { class: "sources-list" });
    for (const source of message.sources) {
      const cited = (message.citations || []).includes(source.n);
      list.append(h("li", { value: source.n, class: cited ? "cited" : null },
        h("button", { type: "button", class: "link-button", onclick: () => showSource(source) }, sourceTitle(source))));
    }
    parts.push(h("details", { class: "message-extra sources", open: true }, h("summary", {}, `Sources (${message.sources.length})`), list));
  }
  const meta = message.meta || {};
  const facts = [];
  if (message.stopped) facts.push("stopped");
  if (meta.backend) facts.push(h("span", { class: "backend", title: "The backend that answered (x-ferry-backend)" }, meta.backend));
  if (meta.ttft !== undefined) facts.push(`first token ${formatMilliseconds(meta.ttft)}`);
  if (meta.total !== undefined) facts.push(`${formatMilliseconds(meta.total)} in all`);
  if (meta.usage) facts.push(`${meta.usage.prompt_tokens ?? "?"} prompt + ${meta.usage.completion_tokens ?? "?"} completion tokens`);
  if (facts.length || message.content) {
    const line = h("div", { class: "message-extra message-meta" });
    facts.forEach((fact, index) => {
      if (index > 0) line.append(" · ");
      line.append(fact);
    });
    if (message.content) {
      line.append(h("button", { type: "button", class: "copy-button", "aria-label": "Copy the answer", onclick: () => copyText(message.content, "Answer copied") }, "Copy"));
    }
    parts.push(line);
  }
  return parts;
}

function sourceTitle(source) {
  const place = [source.document, source.section, source.page ? `page ${source.page}` : null].filter(Boolean).join(" · ");
  return `[${source.n}] ${place}`;
}

function citationButton(message, n) {
  const source = message.sources.find((item) => item.n === n);
  if (!source) return null;
  return h("button", { type: "button", class: "citation", "aria-label": `Source ${n}: ${source.document}`, title: source.document, onclick: () => showSource(source) }, String(n));
}

export function showSource(source) {
  byId("source-title").textContent = `Source ${source.n}`;
  const facts = [source.document, source.section, source.page ? `page ${source.page}` : null, source.score !== undefined ? `score ${Number(source.score).toFixed(3)}` : null];
  byId("source-meta").textContent = facts.filter(Boolean).join(" · ");
  byId("source-text").textContent = source.text || "";
  const dialog = byId("source-dialog");
  byId("source-close").onclick = () => dialog.close();
  dialog.showModal();
  byId("source-close").focus();
}

function setRunning(value) {
  running = value;
  byId("send-button").hidden = Boolean(value);
  byId("stop-button").hidden = !value;
  byId("prompt").setAttribute("aria-busy", String(Boolean(value)));
}

function stop() {
  if (!running) return;
  running.controller.abort();
}

async function send() {
  const prompt = byId("prompt");
  const text = prompt.value.trim();
  if (!text || running) return;
  if (!current.route && !current.collection) {
    toast("No route to ask: Ferry lists none at /v1/models");
    return;
  }
  prompt.value = "";
  const conversation = current;
  if (!conversation.messages.length) conversation.title = store.titleFrom(text);
  conversation.messages.push({ role: "user", content: text });
  const message = { role: "assistant", content: "", meta: {} };
  conversation.messages.push(message);
  store.save(conversation);
  renderConversationList();
  renderMessages();
  const element = byId("messages").lastElementChild;
  const controller = new AbortController();
  setRunning({ controller, message });
  let scheduled = false;
  const render = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      if (current !== conversation) return;
      const container = byId("messages");
      const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
      element.render();
      if (atBottom) container.scrollTop = container.scrollHeight;
    });
  };
  const started = performance.now();
  try {
    if (conversation.collection) await askDocuments(conversation, text, message, controller.signal, started, render);
    else await chat(conversation, message, controller.signal, started, render);
  } catch (error) {
    if (error.name === "AbortError") message.stopped = true;
    else message.error = { message: error.message, hint: error.hint || "" };
  } finally {
    message.meta.total = Math.round(performance.now() - started);
    setRunning(null);
    if (!store.save(conversation)) toast("The browser's storage is full: this conversation is not kept. Delete old ones.");
    render();
    if (current === conversation) byId("prompt").focus();
  }
}

function chatMessages(conversation) {
  const messages = [];
  if (conversation.system?.trim()) messages.push({ role: "system", content: conversation.system.trim() });
  for (const message of conversation.messages.slice(0, -1)) {
    if (message.role === "assistant" && (message.error || !message.content)) continue;
    messages.push({ role: message.role, content: message.content });
  }
  return messages;
}

async function chat(conversation, message, signal, started, render) {
  const body = { model: conversation.route, messages: chatMessages(conversation), stream: true, stream_options: { include_usage: true } };
  if (conversation.temperature !== null && conversation.temperature !== undefined) body.temperature = conversation.temperature;
  const response = await postJSON("/v1/chat/completions", body, { signal });
  message.meta.backend = response.headers.get("x-ferry-backend") || undefined;
  for await (const event of serverSentEvents(response)) {
    if (event.data === "[DONE]") break;
    let chunk;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      continue;
    }
    if (chunk.error) throw FerryError.fromObject(chunk.error);
    const delta = chunk.choices?.[0]?.delta?.content;
    if (delta) {
      if (message.meta.ttft === undefined) message.meta.ttft = Math.round(performance.now() - started);
      message.content += delta;
    }
    if (chunk.usage) message.meta.usage = chunk.usage;
    render();
  }
}

async function askDocuments(conversation, question, message, signal, started, render) {
  const body = { question, collection: conversation.collection, stream: true };
  if (conversation.sessionId) body.session_id = conversation.sessionId;
  if (conversation.route) body.model = conversation.route;
  if (conversation.temperature !== null && conversation.temperature !== undefined) body.temperature = conversation.temperature;
  const response = await postJSON("/api/query", body, { signal });
  message.meta.backend = response.headers.get("x-ferry-backend") || undefined;
  for await (const event of serverSentEvents(response)) {
    let payload;
    try {
      payload = JSON.parse(event.data);
    } catch {
      continue;
    }
    if (event.event === "sources") {
      message.sources = payload.sources || [];
      if (payload.session_id) conversation.sessionId = payload.session_id;
    } else if (event.event === "delta") {
      if (message.meta.ttft === undefined) message.meta.ttft = Math.round(performance.now() - started);
      message.content += payload.text || "";
    } else if (event.event === "done") {
      message.content = payload.answer ?? message.content;
      message.sources = payload.sources || message.sources || [];
      message.citations = payload.citations || [];
      if (payload.session_id) conversation.sessionId = payload.session_id;
      if (payload.backend) message.meta.backend = payload.backend;
      if (payload.usage) message.meta.usage = payload.usage;
    } else if (event.event === "error") {
      throw FerryError.fromObject(payload.error || payload);
    }
    render();
  }
}
