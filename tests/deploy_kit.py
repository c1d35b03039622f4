"""The monitoring kit in ``deploy/`` as the tests read it: its files, and the series ``tutor/metrics.py`` exports."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.metrics import MetricWrapperBase

from tests.promql import PromQLError, Selector, parse_promql
from tutor import metrics

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
PROMETHEUS_CONFIG = DEPLOY / "prometheus.yml"
ALERT_RULES = DEPLOY / "alerts.yml"
DASHBOARD = DEPLOY / "grafana" / "tutor-dashboard.json"

WORKER_METRICS_PORT = 9108  # the kit's documented TUTOR_WORKER_METRICS_PORT
DATASOURCE_UID = "${DS_PROMETHEUS}"

# --------------------------------------------------------------------------------------------------
# What the service exports
# --------------------------------------------------------------------------------------------------

TARGET_LABELS = frozenset({"job", "instance", "service"})  # added by Prometheus and prometheus.yml
# Prometheus' own per-target series (labels: the target labels only), allowed in the alert rules only.
PROMETHEUS_SERIES: dict[str, frozenset[str]] = {"up": frozenset()}


def metric_objects() -> list[MetricWrapperBase]:
    return [value for value in vars(metrics).values() if isinstance(value, MetricWrapperBase)]


def family_name(metric: MetricWrapperBase) -> str:
    """The family as named in PromQL and in EXPORTED (the client drops a counter's _total suffix)."""
    name = next(iter(metric.describe())).name
    return name + "_total" if isinstance(metric, Counter) else name


@cache
def exported_series() -> dict[str, tuple[str, frozenset[str]]]:
    """Every series name the service exports: its family and the labels it carries."""
    series: dict[str, tuple[str, frozenset[str]]] = {}
    for metric in metric_objects():
        family, labels = family_name(metric), frozenset(metric._labelnames)
        if isinstance(metric, Histogram):
            series[family + "_bucket"] = (family, labels | {"le"})
            series[family + "_sum"] = series[family + "_count"] = (family, labels)
        elif isinstance(metric, Counter | Gauge):
            series[family] = (family, labels)
        else:
            raise AssertionError(f"{family}: a {type(metric).__name__}; teach this test its series")
    return series


def selector_problems(selectors: list[Selector], *, allow_prometheus_series: bool = False) -> list[str]:
    """What is wrong with the selectors: a series the service does not export, a label it does not carry."""
    known = {name: labels for name, (_, labels) in exported_series().items()}
    if allow_prometheus_series:
        known.update(PROMETHEUS_SERIES)
    problems = []
    for selector in selectors:
        if selector.metric is None:
            problems.append(f"a selector without a metric name: {selector}")
        elif selector.metric not in known:
            problems.append(f"{selector.metric} is not exported by tutor/metrics.py")
        else:
            for label, _, _ in selector.matchers:
                if label not in known[selector.metric] | TARGET_LABELS | {"__name__"}:
                    problems.append(f"{selector.metric} has no label {label!r}")
    return problems


def query_problems(expr: str, *, grafana: bool = False, allow_prometheus_series: bool = False) -> list[str]:
    try:
        selectors = parse_promql(expr, grafana=grafana)
    except PromQLError as error:
        return [str(error)]
    return selector_problems(selectors, allow_prometheus_series=allow_prometheus_series)


# --------------------------------------------------------------------------------------------------
# The files
# --------------------------------------------------------------------------------------------------

DURATION_RE = re.compile(r"(?:\d+(?:ms|[smhdwy]))+")
DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def seconds(duration: str) -> float:
    assert DURATION_RE.fullmatch(duration), f"{duration!r} is not a Prometheus duration"
    return sum(int(n) * DURATION_UNITS[unit] for n, unit in re.findall(r"(\d+)(ms|[smhdwy])", duration))


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def alert_rules() -> list[dict[str, Any]]:
    return [rule for group in load_yaml(ALERT_RULES)["groups"] for rule in group["rules"]]


def dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return data


def scrape_jobs() -> dict[str, dict[str, Any]]:
    return {job["job_name"]: job for job in load_yaml(PROMETHEUS_CONFIG)["scrape_configs"]}


def job_targets(job: dict[str, Any]) -> list[tuple[str, int]]:
    """(host, port) of a job's static targets and DNS-discovered names."""
    targets = []
    for static in job.get("static_configs", []):
        for target in static["targets"]:
            host, _, port = target.rpartition(":")
            targets.append((host, int(port)))
    for dns in job.get("dns_sd_configs", []):
        assert dns.get("type", "SRV") == "A", "A records need the port given in the config"
        targets.extend((name, int(dns["port"])) for name in dns["names"])
    return targets
