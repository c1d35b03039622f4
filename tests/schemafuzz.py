"""Drive every operation of the live OpenAPI schema with Schemathesis and collect the responses >= 500.

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
from schemathesis.schemas import APIOperation

# Transport errors raised before anything reaches the server (a generated header that is not latin-1,
# an URL requests refuses): not the API's answer, so not a finding.
CLIENT_SIDE = (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, UnicodeError, ValueError)


@dataclass(frozen=True)
class Finding:
    """A request the server answered with a 5xx, or did not answer at all."""

    operation: str
    status: int | None
    curl: str
    body: str

    def __str__(self) -> str:
        return f"{self.operation} -> {self.status or 'no response'}\n  {self.curl}\n  {self.body[:300]}"


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

    def run(self, schema: dict[str, Any], exclude: set[tuple[str, str]]) -> None:
        """Fuzz every operation of ``schema`` except the ``(METHOD, path)`` pairs in ``exclude``."""
        loaded = schemathesis.openapi.from_dict(schema)
        with requests.Session() as session:
            for result in loaded.get_all_operations():
                operation = result.ok()
                if (operation.method.upper(), operation.path) in exclude:
                    continue
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    self._fuzz(session, operation, mode, None)
                    names = {p.name for p in operation.path_parameters}
                    if names and mode is GenerationMode.POSITIVE:
                        real = self.pinned(names)
                        self._fuzz(session, operation, mode, {n: real[n] for n in names if n in real})

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
        label = f"{case.method} {case.formatted_path}"
        curl = case.as_curl_command(headers=self.headers, base_url=self.base_url)
        try:
            response = case.call(base_url=self.base_url, session=session, headers=self.headers, timeout=60)
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            self.findings.append(Finding(label, None, curl, repr(exc)))
            return
        except CLIENT_SIDE:
            return
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            self.findings.append(Finding(label, response.status_code, curl, response.text))
