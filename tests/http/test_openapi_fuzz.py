"""Schemathesis drives every operation of the OpenAPI schema with generated input."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from app.config import Settings
from app.main import create_app
from tests.conftest import SECRET
from tests.http.helpers import facilitator, join, open_first_topic, seeded_event

# The schema does not depend on the database: read it from an app that never connects.
_UNUSED = Path(tempfile.gettempdir()) / "palabra-schema-only.db"
schema = schemathesis.openapi.from_dict(
    create_app(
        Settings(env="test", secret_key=SECRET, database_url=f"sqlite:///{_UNUSED}")
    ).openapi()
)


@pytest.fixture
def room(client: TestClient) -> tuple[TestClient, str]:
    """A browser signed in as a facilitator that also joined the event, on an open topic."""
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    join(client, event)
    return client, event.slug


@schema.parametrize()
# The same examples on every run (CI stays reproducible); the room fixture is set up once
# per operation, which Hypothesis would otherwise flag.
@settings(
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_generated_input_as_its_schema_says(
    case: schemathesis.Case, room: tuple[TestClient, str]
) -> None:
    """Status codes and content types as documented, no 500, nothing valid refused.

    Addresses name the real event, so that the actions themselves run (unknown events are
    the hostile-input tests' part).
    """
    client, slug = room
    if case.path_parameters and "slug" in case.path_parameters:
        case.path_parameters["slug"] = slug
    request = case.as_transport_kwargs(base_url="http://testserver")
    assert not request.pop("cookies", None), "the schema declares no cookie"
    response = client.request(**request, follow_redirects=False)
    case.validate_response(response)
