"""The page's modules (static/js/site.js, deferred like every script) are in place before htmx processes
the page: a poll asked for on a hidden tab, or one dropped with its element, relies on their htmx:confirm
and htmx:beforeRequest listeners from the first swap on."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs before any of the page's scripts: notes when document listeners are added and when htmx starts.
RECORD_ORDER = """window.scriptOrder = [];
const started = () => window.scriptOrder.push("htmx processes");
document.addEventListener("htmx:beforeProcessNode", started, {once: true});
const add = EventTarget.prototype.addEventListener;
EventTarget.prototype.addEventListener = function (type, ...rest) {
  if (this === document && type.startsWith("htmx:")) window.scriptOrder.push("listens to " + type);
  return add.call(this, type, ...rest);
};"""


def test_the_modules_listen_before_htmx_processes_the_page(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_ORDER)
    page.goto(live_server.url + "/")
    page.wait_for_load_state("load")
    order = page.evaluate("window.scriptOrder")
    processed = order.index("htmx processes")
    assert "listens to htmx:confirm" in order[:processed]
    assert "listens to htmx:beforeRequest" in order[:processed]
    assert "listens to htmx:afterSettle" in order[:processed]
    assert page.evaluate("document.documentElement.classList.contains('js')")
    assert errors == []
