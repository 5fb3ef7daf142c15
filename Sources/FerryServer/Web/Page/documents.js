// The documents page: upload files into a collection (drag and drop or a file picker, each with its progress),
// list and delete a collection's documents, and start a conversation that asks them.

import { FerryError, api, apiJSON, askForKey, authorization } from "./api.js";
import { byId, clear, formatBytes, h, toast } from "./dom.js";
import { loadCollections, startWithCollection } from "./chat.js";

let available = null; // null: not checked yet

export function initDocuments() {
  const zone = byId("drop-zone");
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    uploadAll([...event.dataTransfer.files]);
  });
  byId("file-input").addEventListener("change", (event) => {
    uploadAll([...event.target.files]);
    event.target.value = "";
  });
  byId("collection-input").addEventListener("change", () => refresh());
  byId("ask-collection").addEventListener("click", () => {
    startWithCollection(collectionName());
    location.hash = "#chat";
  });
}

function collectionName() {
  return byId("collection-input").value.trim() || "default";
}

/** Called when the page is shown. */
export async function showDocuments() {
  const names = await loadCollections();
  available = names !== null;
  byId("documents-off").hidden = available;
  byId("documents-on").hidden = !available;
  if (!available) {
    byId("documents-off").textContent = "This Ferry has no documents API: the gateway was started without a document store (`ferry serve` always has one).";
    return;
  }
  const list = clear(byId("collection-names"));
  for (const name of names) list.append(h("option", { value: name }));
  await refresh();
}

async function refresh() {
  const collection = collectionName();
  const body = clear(byId("documents-body"));
  let documents = [];
  try {
    documents = (await apiJSON(`/api/documents?collection=${encodeURIComponent(collection)}`)).documents || [];
  } catch (error) {
    toast(`The documents could not be listed: ${error.message}`);
  }
  byId("documents-title").textContent = `Documents in ${collection}`;
  byId("documents-empty").hidden = documents.length > 0;
  byId("documents-table").hidden = documents.length === 0;
  for (const document of documents) {
    const added = document.ingested_at ? new Date(document.ingested_at).toLocaleString() : "";
    body.append(h("tr", {},
      h("td", { dir: "auto" }, document.title && document.title !== document.document ? h("span", {}, document.title, h("br"), h("small", {}, document.document)) : document.document),
      h("td", {}, document.format),
      h("td", { class: "number" }, String(document.chunks)),
      h("td", { class: "number" }, formatBytes(document.bytes)),
      h("td", {}, added),
      h("td", {}, h("button", { type: "button", class: "danger-button small", "aria-label": `Delete ${document.document}`, onclick: () => remove(document) }, "Delete"))));
  }
}

async function remove(document) {
  if (!confirm(`Delete ${document.document} from ${document.collection}?`)) return;
  try {
    await api(`/api/documents/${document.id}`, { method: "DELETE" });
    toast(`${document.document} deleted`);
  } catch (error) {
    toast(`${document.document} was not deleted: ${error.message}`);
  }
  await refresh();
}

async function uploadAll(files) {
  if (!files.length) return;
  const collection = collectionName();
  await Promise.all(files.map((file) => upload(file, collection)));
  await loadCollections();
  await refresh();
}

/** One file, with its own row and progress bar; XMLHttpRequest, because fetch cannot report upload progress. */
function upload(file, collection) {
  const progress = h("progress", { max: "100", value: "0", "aria-label": `Uploading ${file.name}` });
  const state = h("span", { class: "upload-state" }, "uploading…");
  const row = h("li", { class: "upload" }, h("span", { class: "upload-name", dir: "auto" }, file.name), h("small", {}, formatBytes(file.size)), progress, state);
  byId("upload-list").prepend(row);
  const send = (resolve) => {
    const form = new FormData();
    form.append("collection", collection);
    form.append("file", file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", "/api/documents");
    const value = authorization();
    if (value) request.setRequestHeader("Authorization", value);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
    });
    request.upload.addEventListener("load", () => {
      progress.value = 100;
      state.textContent = "reading and embedding…";
    });
    request.addEventListener("load", async () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // not JSON
      }
      if (request.status === 401 && (await askForKey(FerryError.fromObject(body?.error).message)) !== null) return send(resolve);
      if (request.status >= 200 && request.status < 300) {
        const skipped = body?.skipped?.[0];
        row.classList.add(skipped ? "failed" : "done");
        const chunks = body?.chunks ?? 0;
        state.textContent = skipped ? `skipped: ${skipped.reason}` : `${body?.unchanged?.length ? "unchanged" : "added"}: ${chunks} chunk${chunks === 1 ? "" : "s"}`;
      } else {
        const error = body?.error ? FerryError.fromObject(body.error, request.status) : new FerryError(`Ferry answered ${request.status}`);
        row.classList.add("failed");
        state.textContent = error.text;
      }
      resolve();
    });
    request.addEventListener("error", () => {
      row.classList.add("failed");
      state.textContent = "Ferry is not answering";
      resolve();
    });
    request.send(form);
  };
  return new Promise(send);
}
