"""Drive every operation of the live OpenAPI schema with Schemathesis (then the probes of tests/hostile.py)
and collect the responses >= 500, the responses whose body the schema does not describe, and the
schema-valid requests the API refuses.

Bounded and reproducible: a few examples per operation and generation mode, ``derandomize=True`` (the
same cases on every run, in CI too), no example database, no shrinking (every failure is recorded, not
raised, so the report lists all of them at once).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Err
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import positive_data_acceptance, response_schema_conformance

from tests.hostile import Probe, path_parameters, probes

# Transport errors raised before anything reaches the server (a generated header that is not latin-1,
# an URL requests refuses): not the API's answer, so not a finding.
CLIENT_SIDE = (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, UnicodeError, ValueError)

# Run on every generated case: the body of each answer matches the schema documented for its status
# (every 2xx body is documented), and a request the schema calls valid is not refused as malformed.
CONFORMANCE_CHECKS = (response_schema_conformance, positive_data_acceptance)
# Schemathesis reads 20 events of a stream by default; a chat turn has more, and ``done`` comes last.
MAX_STREAM_EVENTS = 100_000


def load(schema: dict[str, Any]) -> Any:
    """The schema as Schemathesis loads it, set to read event streams to their end."""
    loaded = schemathesis.openapi.from_dict(schema)
    loaded.config.max_stream_events = MAX_STREAM_EVENTS
    return loaded


@dataclass(frozen=True)
class Finding:
    """A request the server answered with a 5xx or not at all, or an answer that failed a schema check.

    ``check`` is ``server_error`` or the name of the failed Schemathesis check (``response_schema_conformance``,
    ``positive_data_acceptance``); ``body`` is the response body or the check's message.
    """

    operation: str
    status: int | None
    curl: str
    body: str
    check: str = "server_error"

    def __str__(self) -> str:
        head = f"{self.operation} -> {self.status or 'no response'} [{self.check}]"
        return f"{head}\n  {self.curl}\n  {self.body[:600]}"


@dataclass
class FuzzRun:
    """One role's pass over the schema.

    Attributes:
        base_url: The API under test.
        headers: The role's ``Authorization`` header.
        pinned: Makes real records for the path parameters it is given and answers their values; called
            once per operation, so a DELETE of the course does not starve the operations after it.
        max_examples: Generated cases per operation, mode and id choice.
    """

    base_url: str
    headers: dict[str, str]
    pinned: Callable[[set[str]], dict[str, str]]
    max_examples: int = 6
    findings: list[Finding] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def run(self, schema: dict[str, Any]) -> None:
        """Fuzz every operation of ``schema``, then send the hostile probes of tests/hostile.py."""
        loaded = load(schema)
        with requests.Session() as session:
            for result in loaded.get_all_operations():
                if isinstance(result, Err):
                    raise result.err()  # an operation the schema describes wrongly is a finding too
                self._operation(session, result.ok())
            real = self.pinned(path_parameters(schema))
            for probe in probes(schema, real):
                self._probe(session, probe)

    def _operation(self, session: requests.Session, operation: APIOperation) -> None:
        names = {p.name for p in operation.path_parameters}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            self._fuzz(session, operation, mode, None)
        if names:
            real = self.pinned(names)
            self._fuzz(session, operation, GenerationMode.POSITIVE, {n: real[n] for n in names if n in real})

    def _probe(self, session: requests.Session, probe: Probe) -> None:
        headers = dict(self.headers) if probe.authenticated else {}
        if probe.content_type:
            headers["Content-Type"] = probe.content_type
        label = f"{probe.method} {probe.url}"
        try:
            response = session.request(
                probe.method, self.base_url + probe.url, data=probe.body, headers=headers, timeout=60
            )
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            self.findings.append(Finding(label, None, label, repr(exc)))
            return
        self._count(label, response, f"{label} body={(probe.body or b'')[:80]!r}")

    def _count(self, label: str, response: requests.Response | schemathesis.Response, curl: str) -> None:
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            self.findings.append(Finding(label, response.status_code, curl, response.text))

    def _fuzz(
        self,
        session: requests.Session,
        operation: APIOperation,
        mode: GenerationMode,
        path_parameters: dict[str, str] | None,
    ) -> None:
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)

        @settings(
            max_examples=self.max_examples,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def check(case: schemathesis.Case) -> None:
            self._send(session, case)

        check()

    def _send(self, session: requests.Session, case: schemathesis.Case) -> None:
        label = f"{case.method} {case.path}"  # the operation; the curl line has the concrete URL
        curl = case.as_curl_command(headers=self.headers, base_url=self.base_url)
        try:
            response = case.call(base_url=self.base_url, session=session, headers=self.headers, timeout=60)
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            self.findings.append(Finding(label, None, curl, repr(exc)))
            return
        except CLIENT_SIDE:
            return
        self._count(label, response, curl)
        self._conform(case, response, label, curl)

    def _conform(self, case: schemathesis.Case, response: schemathesis.Response, label: str, curl: str) -> None:
        """Record every failure of :data:`CONFORMANCE_CHECKS` on this answer as a finding (none raised)."""
        try:
            case.validate_response(response, checks=list(CONFORMANCE_CHECKS), headers=self.headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                check = failure.checks[0] if failure.checks else type(failure).__name__
                message = f"{failure.title}: {failure.message}\n  answered: {response.text[:400]}"
                self.findings.append(Finding(label, response.status_code, curl, message, check))
