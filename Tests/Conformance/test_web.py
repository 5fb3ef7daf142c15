"""The web page in a real browser: Debian's headless Chromium driven by selenium against `ferry serve` over FerrySim
backends — a streamed answer rendered as Markdown, stop, route switch, conversations kept across a reload, a backend
killed and restarted on the status page, a document uploaded and cited, the API-key prompt, phone width, labels —
with no console errors. Screenshots of the chat, documents and status pages in light and dark are saved in
$FERRY_WEB_SCREENSHOTS (default .build/web-screenshots); the committed ones are in docs/screenshots."""
import os
import pathlib
import shutil
import signal
import socket
import tempfile
import time

import httpx
import pytest

from conftest import FERRY_BIN, RunningProcess, start_sim

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SHOTS = pathlib.Path(os.environ.get("FERRY_WEB_SCREENSHOTS", ROOT / ".build" / "web-screenshots"))

if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    if os.environ.get("CI"):
        raise RuntimeError("chromium and chromium-driver must be installed for the browser tests (.ci/run installs them)")
    pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)", allow_module_level=True)

MARKDOWN_REPLY = """## Ferry crossings

Three **routes** run *daily*:

1. Oslo to Kiel
2. Helsinki to Tallinn
   - fast boats on weekdays

| Route | Minutes |
|:------|--------:|
| Oslo–Kiel | 1200 |
| Helsinki–Tallinn | 120 |

```python
print("all aboard")
```

Raw HTML stays text: <script>alert(1)</script> and `inline code`."""

LONG_REPLY = " ".join(f"word{index}" for index in range(400))

DOCUMENT = """# Harbour timetable

The morning ferry to Suomenlinna leaves pier 4 at 7:15 every day, and the last one returns at 23:40.
Bicycles travel free on weekdays. Tickets are sold at the kiosk next to the pier.
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_flaky(port):
    return RunningProcess([FERRY_BIN, "sim", "--dialect", "vllm", "--host", "127.0.0.1", "--port", str(port), "--model", "demo", "--log-level", "warning"])


@pytest.fixture(scope="module")
def ferry(tmp_path_factory):
    main = start_sim("vllm", "demo", tokens_per_second=25)
    olla = start_sim("ollama", "qwen2.5:1.5b")
    flaky_port = free_port()
    flaky = {"sim": start_flaky(flaky_port), "port": flaky_port}
    data_dir = tmp_path_factory.mktemp("ferry-web")
    config = data_dir / "ferry.yaml"
    config.write_text(
        "backends:\n"
        f"  sim:\n    provider: vllm\n    url: {main.url}/v1\n    model: demo\n"
        f"  olla:\n    provider: ollama\n    url: {olla.url}\n    model: qwen2.5:1.5b\n"
        f"  flaky:\n    provider: vllm\n    url: http://127.0.0.1:{flaky_port}/v1\n    model: demo\n"
        "  managed:\n    model: demo\n    launch:\n      preset: sim\n"
        "routes:\n  default:\n    backends: [sim]\n  on-ollama:\n    backends: [olla]\n  flaky:\n    backends: [flaky]\n"
        "  managed:\n    backends: [managed]\n"
        "health:\n  interval: 1s\ncircuit:\n  threshold: 1\n  cooldown: 2s\ncache:\n  store: memory\n"
    )
    env = dict(os.environ, FERRY_DATA_DIR=str(data_dir))
    gateway = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"], env=env, timeout=60)
    yield {"url": gateway.url, "sim": main.url, "olla": olla.url, "flaky": flaky, "data": data_dir}
    assert gateway.stop() == 0
    for process in (main, olla, flaky["sim"]):
        process.stop()


def make_browser(width=1280, height=900, phone=False):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    if phone:  # a window cannot be narrower than 500 px: a phone's screen is emulated
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0, "touch": True}})
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = make_browser()
    yield driver
    driver.quit()


def wait(driver, condition, timeout=20, what="the page"):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda _: condition())
    except TimeoutException:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"failed-{''.join(c if c.isalnum() else '-' for c in what)}.png"
        driver.save_screenshot(str(shot))
        raise AssertionError(f"timed out after {timeout} s waiting for {what} (the page then: {shot})") from None


def console_errors(driver, allowed=()):
    """SEVERE entries of the browser's console since the last call, except those containing an allowed text."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and not any(text in entry["message"] for text in allowed)]


def reply(url, *texts):
    assert httpx.put(url + "/_sim/replies", json={"replies": list(texts)}).status_code == 200


def js(driver, script, *arguments):
    return driver.execute_script(script, *arguments)


def answers(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#messages .message.assistant")


def send(driver, text):
    prompt = driver.find_element(By.ID, "prompt")
    prompt.send_keys(text)
    prompt.send_keys(Keys.ENTER)


def answered(driver):
    """Waits until no answer is running (the Stop button is hidden again)."""
    wait(driver, lambda: not driver.find_element(By.ID, "stop-button").is_displayed(), 60, "the answer to finish")


def open_page(driver, url, page="chat"):
    driver.get(f"{url}/#{page}")
    wait(driver, lambda: js(driver, "return document.readyState") == "complete")


def screenshot(driver, name):
    """The page as it is, in light and in dark (set on the document, as the theme button does)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    saved = []
    js(driver, "document.getElementById('toast').classList.remove('visible')")
    for theme in ("light", "dark"):
        js(driver, "document.documentElement.setAttribute('data-theme', arguments[0])", theme)
        time.sleep(0.2)
        path = SHOTS / f"{name}-{theme}.png"
        driver.save_screenshot(str(path))
        saved.append(path)
    js(driver, "document.documentElement.removeAttribute('data-theme')")
    print("screenshots:", *saved)
    return saved


def test_the_page_and_its_files_are_served_as_browsers_expect(ferry):
    page = httpx.get(ferry["url"] + "/", headers={"Accept": "text/html", "Accept-Encoding": "gzip"})
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-encoding"] == "gzip" and "<title>Ferry</title>" in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "connect-src 'self'" in policy
    again = httpx.get(ferry["url"] + "/", headers={"Accept": "text/html", "Accept-Encoding": "gzip", "If-None-Match": page.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert httpx.get(ferry["url"] + "/").text == "Ollama is running", "Ollama clients still find Ollama at /"
    missing = httpx.get(ferry["url"] + "/web/missing.js")
    assert missing.status_code == 404 and missing.json()["error"]["message"].startswith("The web page has no file")


def test_a_message_streams_in_and_renders_as_markdown(ferry, browser):
    open_page(browser, ferry["url"])
    wait(browser, lambda: {"default", "on-ollama", "flaky", "managed"} <= {option.text for option in Select(browser.find_element(By.ID, "route-select")).options}, what="the routes")
    reply(ferry["sim"], MARKDOWN_REPLY)
    send(browser, "Which ferry routes run daily?")
    partial = wait(browser, lambda: len(answers(browser)) == 1 and browser.find_element(By.ID, "stop-button").is_displayed()
                   and len(answers(browser)[0].find_element(By.CLASS_NAME, "message-body").text) > 10 and answers(browser)[0].find_element(By.CLASS_NAME, "message-body").text,
                   what="the first words while the answer streams")
    answered(browser)
    answer = answers(browser)[0]
    body = answer.find_element(By.CLASS_NAME, "message-body")
    assert len(body.text) > len(partial), "the answer grew as it streamed"
    assert body.find_element(By.TAG_NAME, "h4").text == "Ferry crossings"
    assert [cell.text for cell in body.find_elements(By.CSS_SELECTOR, "table tbody td")] == ["Oslo–Kiel", "1200", "Helsinki–Tallinn", "120"]
    assert body.find_element(By.CSS_SELECTOR, "table tbody td.align-right").text == "1200"
    assert body.find_element(By.CSS_SELECTOR, ".code-block pre code").text == 'print("all aboard")'
    assert body.find_element(By.CSS_SELECTOR, "ol li ul li").text == "fast boats on weekdays"
    assert body.find_element(By.TAG_NAME, "strong").text == "routes"
    assert "<script>alert(1)</script>" in body.text, "HTML in an answer is shown as text"
    assert js(browser, "return document.querySelectorAll('#messages script').length") == 0
    meta = answer.find_element(By.CLASS_NAME, "message-meta").text
    assert meta.startswith("sim") and "first token" in meta and "completion tokens" in meta, meta
    assert console_errors(browser) == []


def test_stop_cancels_an_answer_mid_stream(ferry, browser):
    reply(ferry["sim"], LONG_REPLY)
    send(browser, "Count to four hundred")
    wait(browser, lambda: len(answers(browser)) == 2 and "word5" in answers(browser)[1].text, what="the long answer to begin")
    browser.find_element(By.ID, "stop-button").click()
    answered(browser)
    answer = answers(browser)[1]
    assert "stopped" in answer.find_element(By.CLASS_NAME, "message-meta").text
    assert "word399" not in answer.text
    deadline = time.monotonic() + 5
    while httpx.get(ferry["sim"] + "/_sim/stats").json()["stats"]["running"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert httpx.get(ferry["sim"] + "/_sim/stats").json()["stats"]["running"] == 0, "stopping ends the backend's request"
    assert browser.switch_to.active_element.get_attribute("id") == "prompt", "the focus goes back to the message box"
    assert console_errors(browser) == []


def test_switching_routes_answers_from_the_other_backend(ferry, browser):
    Select(browser.find_element(By.ID, "route-select")).select_by_visible_text("on-ollama")
    send(browser, "Hello from the other route")
    wait(browser, lambda: len(answers(browser)) == 3)
    answered(browser)
    meta = answers(browser)[2].find_element(By.CLASS_NAME, "message-meta").text
    assert meta.startswith("olla"), meta
    assert console_errors(browser) == []


def test_a_reload_finds_the_conversation(ferry, browser):
    title = browser.find_element(By.CSS_SELECTOR, ".conversation-list li.selected .conversation-title").text
    texts = [answer.text for answer in answers(browser)]
    browser.refresh()
    wait(browser, lambda: len(answers(browser)) == 3, what="the conversation after the reload")
    assert browser.find_element(By.CSS_SELECTOR, ".conversation-list li.selected .conversation-title").text == title == "Which ferry routes run daily?"
    assert [answer.text for answer in answers(browser)] == texts
    wait(browser, lambda: Select(browser.find_element(By.ID, "route-select")).first_selected_option.text == "on-ollama", what="the conversation's route")
    assert console_errors(browser) == []


def test_conversations_are_made_renamed_and_deleted(ferry, browser):
    browser.find_element(By.ID, "new-conversation").click()
    reply(ferry["sim"], "A short answer.")
    Select(browser.find_element(By.ID, "route-select")).select_by_visible_text("default")
    send(browser, "Second conversation")
    answered(browser)
    items = lambda: browser.find_elements(By.CSS_SELECTOR, ".conversation-list li")  # noqa: E731
    assert len(items()) == 2
    items()[0].find_element(By.CSS_SELECTOR, "button[aria-label^='Rename']").click()
    field = browser.find_element(By.CSS_SELECTOR, ".conversation-list .rename-input")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("Renamed here", Keys.ENTER)
    wait(browser, lambda: "Renamed here" in [item.text.split("\n")[0] for item in items()], what="the new name")
    items()[0].find_element(By.CSS_SELECTOR, "button[aria-label^='Delete']").click()
    browser.switch_to.alert.accept()
    wait(browser, lambda: len(items()) == 1, what="the conversation to go")
    assert items()[0].find_element(By.CLASS_NAME, "conversation-title").text == "Which ferry routes run daily?"
    assert len(answers(browser)) == 3, "the remaining conversation is shown"
    assert console_errors(browser) == []


def cards(driver):
    """Each backend card's name → (state, text), read in one go: the page redraws them every two seconds."""
    found = js(driver, """return [...document.querySelectorAll('.backend-card')].map(card => [
        card.querySelector('h3').textContent, card.className, card.innerText, card.querySelectorAll('svg.chart path.chart-line, svg.chart circle').length])""")
    return {name: ((next((cls[6:] for cls in classes.split() if cls.startswith("state-")), None)), text, marks) for name, classes, text, marks in found}


def card_state(driver, name):
    return cards(driver).get(name, (None,))[0]


def test_the_status_page_marks_a_killed_backend_down_then_up(ferry, browser):
    # A deterministic question asked twice: one miss, one hit (the page's own chats leave temperature unset: bypassed).
    for _ in range(2):
        asked = httpx.post(ferry["url"] + "/v1/chat/completions", json={"model": "default", "temperature": 0, "messages": [{"role": "user", "content": "Cache me"}]}, timeout=30)
        assert asked.status_code == 200
    open_page(browser, ferry["url"], "status")
    wait(browser, lambda: "Cache hit ratio\n50 %" in browser.find_element(By.ID, "status-summary").text, what="the cache's hit ratio")
    wait(browser, lambda: {card_state(browser, name) for name in ("sim", "olla", "flaky", "managed")} == {"up"}, 60, "every backend up")
    _, text, marks = cards(browser)["sim"]
    assert "TTFT p50 / p95" in text and marks > 0, "the backend that answered has TTFT marks"
    managed = js(browser, """const card = [...document.querySelectorAll('.backend-card')].find(card => card.querySelector('h3').textContent === 'managed');
        card.querySelector('details.process').open = true; return card.innerText""")
    assert "Process: ready, pid" in managed and "PID" in managed and "Restarts" in managed, managed
    killed_at = time.monotonic()
    ferry["flaky"]["sim"].process.send_signal(signal.SIGKILL)
    ferry["flaky"]["sim"].process.wait(timeout=10)
    wait(browser, lambda: card_state(browser, "flaky") == "down", 15, "flaky to be marked down")
    down_after = time.monotonic() - killed_at
    banner = browser.find_element(By.ID, "status-banner")
    assert banner.is_displayed() and banner.text.startswith("flaky is down"), banner.text
    assert browser.find_element(By.ID, "status-badge").text == "1 down"
    assert card_state(browser, "sim") == "up" and card_state(browser, "managed") == "up"
    screenshot(browser, "status")
    ferry["flaky"]["sim"] = start_flaky(ferry["flaky"]["port"])
    restarted_at = time.monotonic()
    wait(browser, lambda: card_state(browser, "flaky") == "up", 15, "flaky to be marked up again")
    print(f"marked down {down_after:.1f} s after the kill, up {time.monotonic() - restarted_at:.1f} s after the restart")
    assert not browser.find_element(By.ID, "status-banner").is_displayed()
    assert console_errors(browser) == []


def test_a_document_is_uploaded_and_its_answer_cites_it(ferry, browser, tmp_path):
    document = tmp_path / "harbour-timetable.md"
    document.write_text(DOCUMENT)
    open_page(browser, ferry["url"], "documents")
    collection = browser.find_element(By.ID, "collection-input")
    wait(browser, lambda: collection.is_displayed(), what="the documents page")
    collection.clear()
    collection.send_keys("harbour", Keys.TAB)
    browser.find_element(By.ID, "file-input").send_keys(str(document))
    wait(browser, lambda: browser.find_elements(By.CSS_SELECTOR, ".upload.done, .upload.failed"), 300, "the upload to finish")
    upload = browser.find_element(By.CSS_SELECTOR, ".upload")
    assert "done" in upload.get_attribute("class").split(), upload.text
    assert upload.find_element(By.TAG_NAME, "progress").get_attribute("value") == "100"
    wait(browser, lambda: "harbour-timetable.md" in browser.find_element(By.ID, "documents-body").text, what="the document in the list")
    screenshot(browser, "documents")

    browser.find_element(By.ID, "ask-collection").click()
    wait(browser, lambda: browser.find_element(By.ID, "page-chat").is_displayed())
    wait(browser, lambda: Select(browser.find_element(By.ID, "collection-select")).first_selected_option.get_attribute("value") == "harbour", what="the collection chosen")
    Select(browser.find_element(By.ID, "route-select")).select_by_visible_text("default")  # the route whose replies are scripted
    reply(ferry["sim"], "The morning ferry leaves **pier 4** at 7:15 [1].")
    send(browser, "When does the morning ferry leave?")
    wait(browser, lambda: answers(browser) and answers(browser)[-1].find_elements(By.CSS_SELECTOR, "button.citation"), 60, "a citation")
    answered(browser)
    answer = answers(browser)[-1]
    assert "harbour-timetable.md" in answer.find_element(By.CSS_SELECTOR, ".sources").text
    screenshot(browser, "answer-with-sources")
    answer.find_element(By.CSS_SELECTOR, "button.citation").click()
    dialog = browser.find_element(By.ID, "source-dialog")
    wait(browser, lambda: dialog.is_displayed(), what="the source passage")
    assert "pier 4 at 7:15" in browser.find_element(By.ID, "source-text").text
    assert "harbour-timetable.md" in browser.find_element(By.ID, "source-meta").text
    browser.find_element(By.ID, "source-close").click()
    wait(browser, lambda: not dialog.is_displayed())

    # A file dropped on the drop zone is uploaded as well (a drop made in the page: selenium cannot drag files).
    open_page(browser, ferry["url"], "documents")
    wait(browser, lambda: browser.find_element(By.ID, "collection-input").is_displayed())
    js(browser, """const data = new DataTransfer();
        data.items.add(new File(['The evening ferry leaves pier 2 at 18:05.'], 'evening.txt', {type: 'text/plain'}));
        document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));""")
    wait(browser, lambda: "evening.txt" in browser.find_element(By.ID, "documents-body").text, 120, "the dropped file in the list")
    browser.find_element(By.CSS_SELECTOR, "#documents-body button[aria-label='Delete evening.txt']").click()
    browser.switch_to.alert.accept()
    wait(browser, lambda: "evening.txt" not in browser.find_element(By.ID, "documents-body").text, what="the dropped file to go")

    # Delete it from the documents page.
    open_page(browser, ferry["url"], "documents")
    wait(browser, lambda: "harbour-timetable.md" in browser.find_element(By.ID, "documents-body").text)
    browser.find_element(By.CSS_SELECTOR, "#documents-body button[aria-label='Delete harbour-timetable.md']").click()
    browser.switch_to.alert.accept()
    wait(browser, lambda: "harbour-timetable.md" not in browser.find_element(By.ID, "documents-body").text, what="the document to go")
    assert console_errors(browser) == []


def test_an_error_shows_ferrys_message_and_what_to_try(ferry, browser):
    open_page(browser, ferry["url"])
    wait(browser, lambda: browser.find_elements(By.CSS_SELECTOR, ".conversation-list li"))
    browser.find_element(By.ID, "new-conversation").click()
    Select(browser.find_element(By.ID, "route-select")).select_by_visible_text("flaky")
    ferry["flaky"]["sim"].process.send_signal(signal.SIGKILL)
    ferry["flaky"]["sim"].process.wait(timeout=10)
    try:
        send(browser, "Are you there?")
        wait(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#messages .error-box"), 30, "the error")
        answered(browser)
        error = browser.find_element(By.CSS_SELECTOR, "#messages .error-box")
        message, hint = error.find_element(By.TAG_NAME, "strong").text, error.find_element(By.TAG_NAME, "p").text
        print("error shown:", message, "|", hint)
        assert "flaky" in message and hint.startswith("Try: ") and len(hint) > 10
        assert "Try:" not in message and "TypeError" not in error.text and ".js:" not in error.text, "Ferry's words, not a stack trace"
    finally:
        ferry["flaky"]["sim"] = start_flaky(ferry["flaky"]["port"])
    assert console_errors(browser, allowed=("status of 50",)) == []


def test_chat_screenshots(ferry, browser):
    open_page(browser, ferry["url"])
    wait(browser, lambda: browser.find_elements(By.CSS_SELECTOR, ".conversation-list li"))
    browser.find_element(By.ID, "new-conversation").click()
    Select(browser.find_element(By.ID, "route-select")).select_by_visible_text("default")
    reply(ferry["sim"], MARKDOWN_REPLY)
    send(browser, "Which ferry routes run daily?")
    answered(browser)
    screenshot(browser, "chat")
    assert console_errors(browser) == []


def test_every_control_has_a_label_and_the_keyboard_reaches_it(ferry, browser):
    missing = js(browser, """
        const unnamed = [];
        for (const element of document.querySelectorAll('input, select, textarea, button')) {
          const named = element.labels?.length || element.getAttribute('aria-label') || element.getAttribute('aria-labelledby')
            || (element.tagName === 'BUTTON' && element.textContent.trim());
          if (!named) unnamed.push(element.outerHTML.slice(0, 80));
        }
        return unnamed;""")
    assert missing == []
    open_page(browser, ferry["url"])
    reached = set()
    body = browser.find_element(By.TAG_NAME, "body")
    body.click()
    for _ in range(40):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        reached.add(browser.switch_to.active_element.get_attribute("id") or browser.switch_to.active_element.text)
    assert {"new-conversation", "route-select", "prompt", "theme-button"} <= reached, reached


def test_phone_width(ferry):
    driver = make_browser(390, 844, phone=True)
    try:
        for page in ("chat", "documents", "status"):
            open_page(driver, ferry["url"], page)
            time.sleep(0.5)
            assert js(driver, "return window.innerWidth") == 390
            overflow = js(driver, "return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{page} is {overflow} px wider than a phone"
        open_page(driver, ferry["url"], "chat")
        toggle = driver.find_element(By.ID, "sidebar-toggle")
        assert toggle.is_displayed() and toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        wait(driver, lambda: driver.find_element(By.ID, "new-conversation").is_displayed() and toggle.get_attribute("aria-expanded") == "true")
        driver.find_element(By.ID, "new-conversation").send_keys(Keys.ESCAPE)
        wait(driver, lambda: toggle.get_attribute("aria-expanded") == "false", what="Escape to close the conversations")
        time.sleep(0.4)  # the sidebar slides away
        assert driver.find_element(By.ID, "prompt").is_displayed()
        reply(ferry["sim"], MARKDOWN_REPLY)
        send(driver, "Which ferry routes run daily?")
        answered(driver)
        SHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SHOTS / "chat-phone.png"))
        assert console_errors(driver) == []
    finally:
        driver.quit()


def test_the_page_asks_for_an_api_key_and_sends_it(ferry, tmp_path):
    config = tmp_path / "keys.yaml"
    sim_url = ferry["sim"]
    config.write_text(f"backends:\n  sim:\n    provider: vllm\n    url: {sim_url}/v1\n    model: demo\nroutes:\n  default:\n    backends: [sim]\nserver:\n  api_keys: [sk-web-test]\n")
    gateway = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"],
                             env=dict(os.environ, FERRY_DATA_DIR=str(tmp_path)), timeout=60)
    driver = make_browser()
    try:
        open_page(driver, gateway.url)
        dialog = driver.find_element(By.ID, "key-dialog")
        wait(driver, lambda: dialog.is_displayed(), what="the key prompt")
        reason = driver.find_element(By.ID, "key-dialog-reason")
        first = reason.text
        driver.find_element(By.ID, "key-input").send_keys("sk-wrong", Keys.ENTER)
        wait(driver, lambda: dialog.is_displayed() and reason.text != first, what="the wrong key refused")
        print("asked:", first, "| refused:", reason.text)
        field = driver.find_element(By.ID, "key-input")
        field.clear()
        field.send_keys("sk-web-test", Keys.ENTER)
        wait(driver, lambda: not dialog.is_displayed(), what="the prompt to close")
        wait(driver, lambda: [option.text for option in Select(driver.find_element(By.ID, "route-select")).options] == ["default"], what="the routes, with the key")
        reply(sim_url, "Authorized answer.")
        send(driver, "Hello with a key")
        answered(driver)
        assert "Authorized answer." in driver.find_elements(By.CSS_SELECTOR, "#messages .message.assistant")[-1].text
        assert driver.find_element(By.ID, "key-button").is_displayed()
        # The 401 answers the key prompt came from are the only console errors.
        assert console_errors(driver, allowed=("status of 401",)) == []
    finally:
        driver.quit()
        assert gateway.stop() == 0
