// Conversations kept in this browser (localStorage): each with its route, documents collection, settings and
// messages. Nothing of them is kept by Ferry, except the documents sessions /api/query remembers.

const listKey = "ferry.conversations";
const currentKey = "ferry.conversation";

function readAll() {
  try {
    const value = JSON.parse(localStorage.getItem(listKey) || "[]");
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

function writeAll(conversations) {
  try {
    localStorage.setItem(listKey, JSON.stringify(conversations));
    return true;
  } catch {
    return false; // full: the conversation stays in memory for this visit
  }
}

/** All conversations, the most recently changed first. */
export function conversations() {
  return readAll().sort((a, b) => b.updatedAt - a.updatedAt);
}

export function conversation(id) {
  return readAll().find((item) => item.id === id) || null;
}

export function newConversation(defaults = {}) {
  const now = Date.now();
  return {
    id: `c${now.toString(36)}${Math.random().toString(36).slice(2, 8)}`,
    title: "New conversation",
    createdAt: now,
    updatedAt: now,
    route: defaults.route || "",
    collection: defaults.collection || "",
    system: defaults.system || "",
    temperature: defaults.temperature ?? null,
    sessionId: null,
    messages: [],
  };
}

/** Saves a conversation (added when new); false when the browser's storage is full. */
export function save(item) {
  item.updatedAt = Date.now();
  const all = readAll();
  const index = all.findIndex((other) => other.id === item.id);
  if (index >= 0) all[index] = item;
  else all.push(item);
  return writeAll(all);
}

export function remove(id) {
  writeAll(readAll().filter((item) => item.id !== id));
  if (currentID() === id) localStorage.removeItem(currentKey);
}

export function currentID() {
  return localStorage.getItem(currentKey);
}

export function setCurrentID(id) {
  localStorage.setItem(currentKey, id);
}

/** A title from the first question: its first line, at most 48 characters. */
export function titleFrom(text) {
  const line = text.trim().split("\n")[0];
  return line.length > 48 ? `${line.slice(0, 47)}…` : line || "New conversation";
}
