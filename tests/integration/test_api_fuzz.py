"""Schemathesis against the OpenAPI document: no generated request may cause a server error."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from truceline.bootstrap import bootstrap
from truceline.entrypoints.api.app import create_app
from truceline.settings import Settings

EXAMPLES_PER_OPERATION = 40
#: Path parameters that name records of the example, so cases also reach past the 404s.
KNOWN_IDS = {"agreement_id": "idlib-m4", "route_id": "m4"}


def server_errors(app_db: Path, *, pin_known_ids: bool) -> tuple[int, list[str]]:
    """Run every operation of the schema; return how many there are and which failed."""
    app = bootstrap(Settings(database_url=f"sqlite:///{app_db}", example="idlib-m4"))
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(app))
        operations = [result.ok() for result in schema.get_all_operations()]
        failures: list[str] = []
        for operation in operations:

            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy())
            def call(case: schemathesis.Case) -> None:
                if pin_known_ids and case.path_parameters:
                    for name in case.path_parameters.keys() & KNOWN_IDS.keys():
                        case.path_parameters[name] = KNOWN_IDS[name]
                case.call_and_validate(checks=[not_a_server_error])

            try:
                call()
            except Exception as error:  # the first failing case, named by its operation
                failures.append(f"{operation.method.upper()} {operation.path}: {error}")
        return len(operations), failures
    finally:
        app.close()


@pytest.mark.parametrize("pin_known_ids", [False, True], ids=["random ids", "known ids"])
def test_no_generated_request_causes_a_server_error(tmp_path: Path, pin_known_ids: bool) -> None:
    count, failures = server_errors(tmp_path / "fuzz.db", pin_known_ids=pin_known_ids)
    assert count >= 11
    assert failures == []


def test_the_fuzzer_reports_a_server_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from truceline.services.geography import Geography

    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("deliberate failure")

    monkeypatch.setattr(Geography, "search_places", broken)
    _count, failures = server_errors(tmp_path / "fuzz.db", pin_known_ids=True)
    assert any(f.startswith("GET /api/agreements/{agreement_id}/places/search") for f in failures)
