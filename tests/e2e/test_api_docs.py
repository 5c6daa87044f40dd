"""The API's interactive docs (Swagger UI) render under the Content-Security-Policy, with no violation
(the ``no_policy_violations`` fixture checks the console)."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_with_no_policy_violation(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Refused" in message.text else None)

    response = page.goto(f"{live_server.url}/api/v1/docs/")

    assert response.status == 200
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)  # the operations, from the schema
    assert page.locator(".swagger-ui .title").first.inner_text().startswith("Marketplace API")
    assert page.locator(".swagger-ui .opblock").count() > 20
    # The page's own styles applied (they were an inline <style> the policy refused).
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
    # Opening an operation and "Try it out" render more of Swagger UI (examples, the request editor).
    page.locator(".swagger-ui .opblock-summary").first.click()
    page.get_by_role("button", name="Try it out").first.click()
    page.wait_for_selector(".swagger-ui .execute", timeout=10_000)
    assert violations == []
