// Talking to this Ferry: the API key (asked for when Ferry wants one), errors as Ferry's message and hint, and
// server-sent events read from a fetch body.

import { byId } from "./dom.js";

const keyName = "ferry.key";

export function currentKey() {
  return sessionStorage.getItem(keyName) || localStorage.getItem(keyName) || "";
}

function storeKey(key, remember) {
  sessionStorage.removeItem(keyName);
  localStorage.removeItem(keyName);
  if (!key) return;
  (remember ? localStorage : sessionStorage).setItem(keyName, key);
}

/** An error Ferry (or the network) gave: `message` and, when Ferry had one, `hint` (what to try). */
export class FerryError extends Error {
  constructor(message, { hint = "", status = 0, param = null } = {}) {
    super(message);
    this.hint = hint;
    this.status = status;
    this.param = param;
  }

  /** From an OpenAI-shaped error object: Ferry writes "What happened (where). Try: what to do". */
  /** The message with its hint, as Ferry writes them: "What happened. Try: what to do". */
  get text() {
    return this.hint ? `${this.message}. Try: ${this.hint}` : this.message;
  }

  static fromObject(error, status = 0) {
    const text = String(error?.message ?? "Ferry gave an error without a message");
    const cut = text.indexOf(". Try: ");
    if (cut < 0) return new FerryError(text, { status, param: error?.param ?? null });
    return new FerryError(text.slice(0, cut), { hint: text.slice(cut + 7), status, param: error?.param ?? null });
  }

  static async fromResponse(response) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      // not JSON: the status says it
    }
    if (body?.error) return FerryError.fromObject(typeof body.error === "string" ? { message: body.error } : body.error, response.status);
    return new FerryError(`Ferry answered ${response.status} ${response.statusText}`.trim(), { status: response.status });
  }
}

let pendingKey = null;

/** Asks for an API key in the key dialog; resolves with it, or null when cancelled. One dialog at a time. */
export function askForKey(reason) {
  if (pendingKey) return pendingKey;
  const dialog = byId("key-dialog");
  byId("key-dialog-reason").textContent = reason || "This Ferry asks for an API key.";
  byId("key-input").value = currentKey();
  byId("key-remember").checked = Boolean(localStorage.getItem(keyName));
  pendingKey = new Promise((resolve) => {
    const finish = (key) => {
      dialog.close();
      pendingKey = null;
      byId("key-form").onsubmit = byId("key-cancel").onclick = byId("key-forget").onclick = dialog.oncancel = null;
      byId("key-button").hidden = !currentKey();
      resolve(key);
    };
    byId("key-form").onsubmit = (event) => {
      event.preventDefault();
      const key = byId("key-input").value.trim();
      storeKey(key, byId("key-remember").checked);
      finish(key || null);
    };
    byId("key-cancel").onclick = () => finish(null);
    byId("key-forget").onclick = () => {
      storeKey("", false);
      finish(null);
    };
    dialog.oncancel = () => finish(null);
  });
  dialog.showModal();
  byId("key-input").focus();
  return pendingKey;
}

/** The Authorization header's value for the key in use, or null without one (for fetch and XMLHttpRequest alike). */
export function authorization() {
  const key = currentKey();
  return key ? `Bearer ${key}` : null;
}

function withKey(options) {
  const headers = new Headers(options.headers || {});
  const value = authorization();
  if (value) headers.set("Authorization", value);
  return { ...options, headers };
}

/**
 * fetch() on this Ferry with the API key. A 401 asks for a key and tries again; any other failure throws a
 * FerryError with Ferry's message and hint. A cancelled request throws the AbortError as it is.
 */
export async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, withKey(options));
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new FerryError("Ferry is not answering", { hint: "check that `ferry serve` is still running" });
  }
  if (response.status === 401 && !options.noKeyPrompt) {
    const refused = await FerryError.fromResponse(response);
    const key = await askForKey(refused.message);
    if (key === null) throw refused;
    return api(path, options);
  }
  if (!response.ok) throw await FerryError.fromResponse(response);
  return response;
}

export async function apiJSON(path, options = {}) {
  return (await api(path, options)).json();
}

export function postJSON(path, body, options = {}) {
  return api(path, { ...options, method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

/**
 * The server-sent events of a response body: yields {event, data} as they arrive. Follows the WHATWG rules that
 * matter here: lines end in LF, CRLF or CR; "data:" lines join with LF; a blank line ends an event.
 */
export async function* serverSentEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data = [];
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let match;
      while ((match = /\r\n|\r|\n/.exec(buffer)) !== null) {
        if (match[0] === "\r" && match.index === buffer.length - 1) break; // a CR that may be half of CRLF
        const line = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (line === "") {
          if (data.length) yield { event: event || "message", data: data.join("\n") };
          event = "";
          data = [];
        } else if (line.startsWith(":")) {
          continue;
        } else {
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          let content = colon < 0 ? "" : line.slice(colon + 1);
          if (content.startsWith(" ")) content = content.slice(1);
          if (field === "data") data.push(content);
          else if (field === "event") event = content;
        }
      }
    }
    if (data.length) yield { event: event || "message", data: data.join("\n") };
  } finally {
    reader.releaseLock();
  }
}
