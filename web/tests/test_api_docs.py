"""The services' API documentation pages (Swagger UI) are self-hosted: they render in Chromium under the gateway's
Content-Security-Policy — no 'unsafe-inline', no outside origin — with no violation reported (issue 14, 11)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.platform


@pytest.mark.parametrize("service", ["identity", "proposals", "voting", "consultation"])
def test_docs_render_from_the_platform_itself_under_a_strict_csp(page, gateway, service):
    import requests

    csp = requests.get(f"{gateway}/api/{service}/docs", timeout=10).headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "http" not in csp
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"/api/{service}/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert page.locator(".opblock").count() > 0  # the operations from /openapi.json
    assert violations == []
