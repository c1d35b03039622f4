"""The monitoring kit in ``deploy/``: the Prometheus config, the alert rules and the Grafana dashboard load,
every query in them is well-formed PromQL naming only series that ``tutor/metrics.py`` exports (with labels
those series carry), and ``promtool`` accepts the config and the rules when it is installed.

The PromQL check is a small tokenizer and recursive-descent parser covering the part of the language a
dashboard or an alert uses (selectors, ranges, subqueries, offsets, functions, aggregations, binary
operators with their modifiers). It does not evaluate anything; it catches what a typo produces.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy_kit import (
    ALERT_RULES,
    DATASOURCE_UID,
    DEPLOY,
    PROMETHEUS_CONFIG,
    ROOT,
    WORKER_METRICS_PORT,
    alert_rules,
    dashboard,
    exported_series,
    family_name,
    job_targets,
    load_yaml,
    metric_objects,
    query_problems,
    scrape_jobs,
    seconds,
)
from tests.promql import PromQLError, Selector, parse_promql
from tutor import metrics

# --------------------------------------------------------------------------------------------------
# Tests: the PromQL checker itself
# --------------------------------------------------------------------------------------------------


def test_valid_expressions_parse_into_their_selectors() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (model, le) (rate(tutor_chat_first_event_seconds_bucket{model=~"gpt.*"}'
        "[10m]))) > 2 and on (model) sum without (kind) (rate(tutor_llm_requests_total[10m] offset 1h)) > 0.02"
    )
    assert parse_promql(expr) == [
        Selector("tutor_chat_first_event_seconds_bucket", (("model", "=~", "gpt.*"),)),
        Selector("tutor_llm_requests_total", ()),
    ]
    for valid in (
        "-sum(tutor_chat_active_streams) + 1e-3 * 2 ^ 2",
        'sum by (route) (rate(x_count{status="5xx"}[5m])) / ignoring(route) group_left sum(rate(x_count[5m]))',
        "max_over_time(max(tutor_worker_queue_depth)[1h:1m])",
        "(sum(rate(a[5m])) or vector(0)) / clamp_min(sum(rate(b[5m])), 1)",
        "topk(3, sum by (route) (rate(x[5m]))) # a comment\n",
        '{__name__="tutor_worker_queue_depth", queue!="", instance!~"test.*"}',
        'absent(up{job="tutor-worker"})',
        'count_values("value", tutor_worker_queue_depth) == bool 0',
    ):
        assert parse_promql(valid), valid
    assert parse_promql('{__name__="tutor_worker_queue_depth"}')[0].metric == "tutor_worker_queue_depth"


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("sum(rate(tutor_llm_errors_total[5m])", "expected ')'"),
        ("rate(tutor_llm_errors_total[5m]))", "unexpected ')'"),
        ("sum(rate(tutor_llm_errors_total[5m)))", "expected ']'"),
        ('tutor_ingest_jobs_total{outcome="failed"', "expected '}'"),
        ('tutor_ingest_jobs_total{outcome="failed}', "unterminated string"),
        ('tutor_ingest_jobs_total{outcome=="failed"}', "needs one of = != =~ !~"),
        ("tutor_ingest_jobs_total{outcome=failed}", "must be a quoted string"),
        ('tutor_ingest_jobs_total{="failed"}', "expected a label name"),
        ('tutor_ingest_jobs_total{outcome="failed" status="5xx"}', "expected '}'"),
        ('tutor_http_request_duration_seconds_count{status=~"5xx("}', "bad regular expression"),
        ('tutor_ingest_jobs_total{outcome="fail\\ed"}', "unknown escape"),
        ("rates(tutor_llm_errors_total[5m])", "unknown function 'rates'"),
        ("rate(tutor_llm_errors_total)", "must be a range"),
        ("sum(tutor_llm_errors_total[5m])", "sum() takes (vector), got (range)"),
        ("histogram_quantile(tutor_chat_turn_seconds_bucket)", "histogram_quantile() takes 2 arguments, got 1"),
        ("round(tutor_chat_active_streams, 1, 2)", "round() takes 1 to 2 arguments, got 3"),
        ("rate(tutor_llm_errors_total[5 m])", "expected a duration"),
        ("rate(tutor_llm_errors_total[$__rate_interval])", "expected a duration"),
        ("tutor_llm_errors_total tutor_llm_requests_total", "unexpected 'tutor_llm_requests_total'"),
        ("tutor_llm_errors_total / ", "expected an operand but the expression ends"),
        ("tutor_llm_errors_total[5m] > 1", "a range cannot be an operand"),
        ("sum by (model (rate(x[5m]))", "expected ')'"),
        ("sum by model (rate(x[5m]))", "expected '('"),
        ("x and 1", "needs vectors on both sides"),
        ("{}", "empty selector"),
        ("", "empty expression"),
        ("rate(x[5m]) @ 1", "unexpected character '@'"),
    ],
)
def test_broken_expressions_are_rejected(expr: str, message: str) -> None:
    with pytest.raises(PromQLError, match=re.escape(message)):
        parse_promql(expr)


def test_dashboard_variables_are_only_allowed_in_grafana_queries() -> None:
    expr = 'sum(rate(tutor_llm_errors_total{model=~"$model"}[$__rate_interval]))'
    assert query_problems(expr, grafana=True) == []
    assert "expected a duration" in query_problems(expr)[0]


def test_unknown_metrics_and_labels_are_reported() -> None:
    assert query_problems("sum(rate(tutor_http_requests_total[5m]))") == [
        "tutor_http_requests_total is not exported by tutor/metrics.py"
    ]
    # A histogram's bare family name and a counter's _count are not series.
    assert query_problems("tutor_chat_turn_seconds + tutor_llm_requests_total_count") == [
        "tutor_chat_turn_seconds is not exported by tutor/metrics.py",
        "tutor_llm_requests_total_count is not exported by tutor/metrics.py",
    ]
    assert query_problems('tutor_ingest_jobs_total{status="failed"}') == [
        "tutor_ingest_jobs_total has no label 'status'"
    ]
    assert query_problems('tutor_retrieval_seconds_count{le="1"}') == [
        "tutor_retrieval_seconds_count has no label 'le'"
    ]
    assert query_problems('{job="tutor-api"}') == [
        "a selector without a metric name: Selector(metric=None, matchers=(('job', '=', 'tutor-api'),))"
    ]
    assert query_problems("up == 0") == ["up is not exported by tutor/metrics.py"]
    assert query_problems('up{job="tutor-api"} == 0', allow_prometheus_series=True) == []


# --------------------------------------------------------------------------------------------------
# Tests: the kit
# --------------------------------------------------------------------------------------------------


def test_exported_lists_every_metric_object() -> None:
    assert sorted(family_name(m) for m in metric_objects()) == sorted(metrics.EXPORTED)


def test_prometheus_config_scrapes_the_api_and_the_workers() -> None:
    config = load_yaml(PROMETHEUS_CONFIG)
    interval, timeout = seconds(config["global"]["scrape_interval"]), seconds(config["global"]["scrape_timeout"])
    assert timeout <= interval
    seconds(config["global"]["evaluation_interval"])
    assert config["rule_files"] == ["alerts.yml"]
    assert all((PROMETHEUS_CONFIG.parent / name).is_file() for name in config["rule_files"])

    jobs = scrape_jobs()
    assert set(jobs) == {"tutor-api", "tutor-worker"}
    assert len(config["scrape_configs"]) == len(jobs), "duplicate job names"
    compose = load_yaml(ROOT / "compose.yaml")["services"]

    api = jobs["tutor-api"]
    assert api.get("metrics_path", "/metrics") == "/metrics"
    auth = api["authorization"]
    assert auth.get("type", "Bearer") == "Bearer" and auth["credentials_file"]
    assert "credentials" not in auth and "bearer_token" not in api, "no secret in the checked-in config"
    api_ports = {int(mapping.split(":")[-1]) for mapping in compose["api"]["ports"]}
    assert job_targets(api) == [("api", 8000)] and 8000 in api_ports

    worker = jobs["tutor-worker"]
    assert "authorization" not in worker  # the workers' metrics port takes no token
    assert job_targets(worker) == [("worker", WORKER_METRICS_PORT)]
    assert all(host in compose for job in jobs.values() for host, _ in job_targets(job)), "targets are compose services"


def test_alert_rules_have_the_required_fields() -> None:
    groups = load_yaml(ALERT_RULES)["groups"]
    assert groups and all(group["name"] and group["rules"] for group in groups)
    rules = alert_rules()
    names = [rule.get("alert") for rule in rules]
    assert len(set(names)) == len(names), "duplicate alert names"
    for rule in rules:
        name = rule.get("alert")
        assert isinstance(name, str) and re.fullmatch(r"[A-Z][A-Za-z0-9]+", name), rule
        assert isinstance(rule["expr"], str) and rule["expr"].strip(), name
        assert seconds(rule["for"]) > 0, name
        assert rule["labels"]["severity"] in {"critical", "warning"}, name
        for field in ("summary", "description"):
            text = rule["annotations"][field]
            assert isinstance(text, str) and text.strip(), (name, field)
            assert text.count("{{") == text.count("}}"), f"{name}: unbalanced template in {field}"


def test_alert_expressions_are_valid_and_name_exported_metrics() -> None:
    problems = {rule["alert"]: query_problems(rule["expr"], allow_prometheus_series=True) for rule in alert_rules()}
    assert {name: found for name, found in problems.items() if found} == {}


def test_alerts_cover_the_issue() -> None:
    """5xx rate, LLM error rate, chat first-event p95, queue backlog and ingest failures each have an alert."""
    used: set[str] = set()
    for rule in alert_rules():
        used.update(s.metric for s in parse_promql(rule["expr"]) if s.metric)
    wanted = {
        "tutor_http_request_duration_seconds_count",
        "tutor_llm_errors_total",
        "tutor_llm_requests_total",
        "tutor_chat_first_event_seconds_bucket",
        "tutor_worker_queue_depth",
        "tutor_ingest_jobs_total",
    }
    assert wanted <= used
    failed = [rule for rule in alert_rules() if 'outcome="failed"' in rule["expr"]]
    assert failed, "an alert on failed ingestion jobs"


def test_dashboard_loads_with_unique_panels_and_targets() -> None:
    board = dashboard()
    assert board["title"] and board["uid"] and board["schemaVersion"] >= 36
    variables = {variable["name"]: variable for variable in board["templating"]["list"]}
    assert variables["DS_PROMETHEUS"]["type"] == "datasource"
    assert variables["DS_PROMETHEUS"]["query"] == "prometheus"
    panels = board["panels"]
    assert panels
    ids = [panel["id"] for panel in panels]
    assert len(set(ids)) == len(ids), "panel ids must be unique"
    cells: set[tuple[int, int]] = set()
    for panel in panels:
        title = panel.get("title")
        assert title, panel["id"]
        assert panel["type"] in {"timeseries", "stat"}, title
        assert panel["datasource"]["uid"] == DATASOURCE_UID, title
        assert panel["targets"], f"{title}: no query"
        assert all(target["datasource"]["uid"] == DATASOURCE_UID for target in panel["targets"]), title
        ref_ids = [target["refId"] for target in panel["targets"]]
        assert len(set(ref_ids)) == len(ref_ids), title
        x, y, w, h = (panel["gridPos"][key] for key in ("x", "y", "w", "h"))
        assert x >= 0 and x + w <= 24 and w > 0 and h > 0, title
        area = {(column, row) for column in range(x, x + w) for row in range(y, y + h)}
        assert not area & cells, f"{title} overlaps another panel"
        cells |= area


def test_dashboard_queries_are_valid_and_name_exported_metrics() -> None:
    problems = {}
    for panel in dashboard()["panels"]:
        for target in panel["targets"]:
            found = query_problems(target["expr"], grafana=True)
            if found:
                problems[f"{panel['title']} / {target['refId']}"] = found
    for variable in dashboard()["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"] if isinstance(variable["query"], str) else variable["query"]["query"]
            match = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", query.strip())
            assert match, f"variable {variable['name']}: {query!r}"
            found = query_problems(match[1], grafana=True)
            if found:
                problems[f"variable {variable['name']}"] = found
    assert problems == {}


def test_dashboard_shows_every_exported_metric() -> None:
    series = exported_series()
    shown = {
        series[selector.metric][0]
        for panel in dashboard()["panels"]
        for target in panel["targets"]
        for selector in parse_promql(target["expr"], grafana=True)
        if selector.metric in series
    }
    assert sorted(set(metrics.EXPORTED) - shown) == []


def test_promtool_accepts_the_config_and_the_rules(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian package `prometheus`); the checks above parse the kit instead")
    # promtool also checks that the token file exists: check a copy next to a dummy one.
    for name in ("prometheus.yml", "alerts.yml"):
        shutil.copy(DEPLOY / name, tmp_path / name)
    token_file = tmp_path / scrape_jobs()["tutor-api"]["authorization"]["credentials_file"]
    token_file.parent.mkdir(parents=True, exist_ok=True)
    token_file.write_text("a-dummy-metrics-token-for-promtool\n")
    for command in (["check", "config", str(tmp_path / "prometheus.yml")],
                    ["check", "rules", str(tmp_path / "alerts.yml")]):  # fmt: skip
        result = subprocess.run([promtool, *command], capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 0, f"promtool {' '.join(command)}:\n{result.stdout}\n{result.stderr}"
