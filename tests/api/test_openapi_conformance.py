"""Schemathesis against the served OpenAPI document: generated requests, valid and invalid,
to every operation, signed in with a bearer token over seeded data. No answer may be a 5xx
or break the document (undocumented status, body or header that does not match its
schema, invalid input accepted, valid input refused as malformed).

Bounded so the whole suite stays within a few minutes: a fixed number of examples per
operation and generation mode, no shrinking.
"""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks
from sqlalchemy import select

from tests.api.conftest import DENOUNCER
from tracker.models import OutboxMessage

MAX_EXAMPLES = 20
# 422 is the domain refusing valid-looking input (a trigger not allowed from this state, a
# unit that does not exist); every other 4xx for schema-valid input would be a doc mismatch.
POSITIVE_STATUSES = ["2xx", "401", "403", "404", "409", "422", "429"]
CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.positive_data_acceptance,
    checks.ignored_auth,
]


@pytest.fixture()
def seeded(steps, person):
    """Records the pinned path parameters point at, and the token requests are signed with."""
    case = steps.complaint("accepted")
    steps.denunciation()
    opinion = steps.opinion("assigned")
    recommendation = steps.recommendation("answered")
    project = steps.project()
    return {
        "path": {"case_id": case.id, "dialogue_id": opinion.dialogue_id, "supervision_id": recommendation.supervision_id,
                 "tracking_code": case.tracking_code, "token_id": 2_000_000_000, "session_id": 2_000_000_000,
                 "username": "no-such-user", "project_id": project.id, "day_id": 2_000_000_000, "inspection_id": 2_000_000_000,
                 "doc_id": 2_000_000_000, "key": "receipt", "code": "KHONG-CO",
                 # another person's inbox message does not exist for the caller (404); a real outbox row to retry
                 "item_id": 2_000_000_000,
                 "row_id": steps.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id).limit(1))},
        "token": person("admin").token,
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_the_promises_of_its_document(mode, app, seeded):
    config = SchemathesisConfig.from_dict({
        "generation": {"max-examples": MAX_EXAMPLES, "no-shrink": True},
        "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES}},
    })
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    headers = {"Authorization": f"Bearer {seeded['token']}"}
    failures: dict[str, str] = {}
    exercised: set[str] = set()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        pinned = {p.name: seeded["path"][p.name] for p in operation.path_parameters}
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=pinned or None)

        @given(case=strategy)
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None, phases=[Phase.generate])
        def run(case):
            exercised.add(case.operation.label)
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            # Files (a generated act, a stored document) are not text; acts are read back for identity in test_acts_api.
            textual = response.headers.get("Content-Type", "").startswith(("application/json", "text/"))
            if case.path != "/api/v1/cases/{case_id}" and textual:
                assert not [v for v in DENOUNCER.values() if v in response.text], "a denouncer's identity leaked"

        try:
            run()
        except Unsatisfiable:
            continue  # nothing to negate in this operation (no parameters, no body)
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures[operation.label] = f"{type(error).__name__}: {str(error)[:1500]}"
    # Every operation takes valid input; all but the few with nothing to negate take invalid input too.
    assert len(exercised) == len(operations) if mode == GenerationMode.POSITIVE else len(exercised) >= len(operations) - 8
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())


def test_the_document_is_openapi_3_1_and_describes_every_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    served = {(re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule), method) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1") for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    assert served | {("/track/{tracking_code}", "GET")} == documented
    for item in document["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ErrorOut"
                    assert set(response["content"]) <= {"application/json", "text/html"}


def test_the_document_says_how_a_denouncer_is_withheld(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "denunciation" in schemas["CaseOut"]["properties"]["petitioners"]["description"]
    assert "identity_withheld" in schemas["CaseOut"]["required"]
