from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.http.helpers import seeded_event


@pytest.mark.parametrize("path", ["/", "/join", "/static/css/palabra.css", "/nothing-here"])
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_pages_have_no_inline_script_for_the_policy_to_block(client: TestClient) -> None:
    event = seeded_event(client)
    page = client.get(f"/j/{event.join_code}").text
    assert "<script>" not in page and " on" + "click=" not in page
    assert all('src="/static/' in tag for tag in page.split("<script")[1:])
