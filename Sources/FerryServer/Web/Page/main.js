// The page's entry: pages by the address's #fragment (chat, documents, status), the theme, the API key button.

import { askForKey, currentKey } from "./api.js";
import { byId } from "./dom.js";
import { initChat } from "./chat.js";
import { initDocuments, showDocuments } from "./documents.js";
import { checkStatus, hideStatus, showStatus } from "./status.js";

const pages = ["chat", "documents", "status"];
const themes = ["system", "light", "dark"];
const themeKey = "ferry.theme";

function showPage() {
  const name = pages.includes(location.hash.slice(1)) ? location.hash.slice(1) : "chat";
  for (const page of pages) {
    byId(`page-${page}`).hidden = page !== name;
    const tab = document.querySelector(`.tabs a[data-page="${page}"]`);
    if (page === name) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  document.title = `Ferry · ${name[0].toUpperCase()}${name.slice(1)}`;
  if (name === "status") showStatus();
  else hideStatus();
  if (name === "documents") showDocuments();
}

function applyTheme(theme) {
  if (theme === "system") document.documentElement.removeAttribute("data-theme");
  else document.documentElement.setAttribute("data-theme", theme);
  const button = byId("theme-button");
  const label = theme === "system" ? "follows the system" : theme;
  button.setAttribute("aria-label", `Theme: ${label} (change)`);
  button.title = `Theme: ${label}`;
  button.textContent = theme === "dark" ? "☾" : theme === "light" ? "☀" : "◐";
}

function init() {
  let theme = localStorage.getItem(themeKey) || "system";
  if (!themes.includes(theme)) theme = "system";
  applyTheme(theme);
  byId("theme-button").addEventListener("click", () => {
    theme = themes[(themes.indexOf(theme) + 1) % themes.length];
    localStorage.setItem(themeKey, theme);
    applyTheme(theme);
  });
  byId("key-button").hidden = !currentKey();
  byId("key-button").addEventListener("click", () => askForKey("The key this page sends to Ferry as a bearer token."));
  window.addEventListener("hashchange", showPage);
  initDocuments();
  showPage();
  initChat();
  checkStatus();
}

init();
