"""deploy/prometheus/alerts.yml and docs/metrics.md name only metrics the code really exports.

No promtool offline: the rules file is parsed as YAML, each rule's shape is checked, and every
metric its PromQL names must be a series the services' registries expose (counters as
``<name>_total``, histograms as ``_bucket``/``_count``/``_sum``) or one Prometheus adds (``up``).
Each check also runs on a broken copy.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from notify.adapters.metrics import NotifyMetrics
from shared.metrics import Metrics
from tests.deploy.compose import REPO, load
from views.adapters.status import Monitor

ALERTS = REPO / "deploy" / "prometheus" / "alerts.yml"
METRICS_DOC = REPO / "docs" / "metrics.md"
SCRAPE_SERIES = frozenset({"up"})  # added by Prometheus to every scrape target
SEVERITIES = frozenset({"critical", "warning", "info"})
_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "gauge": ("",),
}
_KEYWORDS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right", "bool",
                       "and", "or", "unless", "offset", "inf", "nan"})  # fmt: skip


def registry() -> CollectorRegistry:
    """Every metric family a service process can expose: the platform's, notify's, views'."""
    metrics = Metrics()
    for collector in NotifyMetrics().collectors:
        metrics.registry.register(collector)
    Monitor(main_schema="views", bootstrap="unused:9092").register(metrics.registry)
    return metrics.registry


def families() -> dict[str, str]:
    """{family name: type}."""
    return {family.name: family.type for family in registry().collect()}


def exposed_series() -> set[str]:
    """The series names a scrape returns."""
    return {name + suffix for name, kind in families().items() for suffix in _SUFFIXES[kind]}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (functions, keywords and labels left out)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for match in re.finditer(r"(?<![\w:.])[A-Za-z_:][\w:]*", text):
        if text[match.end() :].lstrip().startswith("(") or match.group().lower() in _KEYWORDS:
            continue
        names.add(match.group())
    return names


def _rule_shape(rule: dict[str, Any]) -> list[str]:
    name = rule.get("alert", "?")
    problems = []
    if not isinstance(rule.get("expr"), str) or not rule["expr"].strip():
        problems.append(f"{name}: no expr")
    if (rule.get("labels") or {}).get("severity") not in SEVERITIES:
        problems.append(f"{name}: severity not one of {sorted(SEVERITIES)}")
    if not (rule.get("annotations") or {}).get("summary"):
        problems.append(f"{name}: no summary annotation")
    if "for" in rule and not re.fullmatch(r"\d+[smhd]", str(rule["for"])):
        problems.append(f"{name}: for {rule['for']!r} is not a duration")
    return problems


def alert_problems(path: Path) -> list[str]:
    """Shape of every rule, unique names, and metrics that exist."""
    groups = load(path).get("groups") or []
    rules = [rule for group in groups for rule in group.get("rules") or []]
    problems = [] if rules else ["no alert rules"]
    names = [rule.get("alert") for rule in rules]
    problems += [f"{n}: defined twice" for n in sorted({n for n in names if names.count(n) > 1})]
    known = exposed_series() | SCRAPE_SERIES
    for rule in rules:
        problems += _rule_shape(rule)
        unknown = sorted(metric_names(str(rule.get("expr", ""))) - known)
        problems += [f"{rule.get('alert')}: no service exports {m}" for m in unknown]
    return problems


def undocumented_metrics(doc: Path) -> list[str]:
    """Every family the services export is named in the metrics page."""
    text = doc.read_text(encoding="utf-8")
    return [
        f"{name} ({kind}) is not in {doc.name}"
        for name, kind in sorted(families().items())
        if f"`{name}{_SUFFIXES[kind][0]}`" not in text and f"`{name}`" not in text
    ]


def test_the_metric_name_extraction_sees_through_promql():
    expr = (
        "histogram_quantile(0.95, sum by (instance, le) (rate(http_request_duration_seconds_bucket"
        '{status=~"5.."}[5m]))) > 1 and on(instance) up == 1 unless consumer_lag offset 5m'
    )
    assert metric_names(expr) == {"http_request_duration_seconds_bucket", "up", "consumer_lag"}


def test_the_alert_rules_are_well_formed_and_name_only_exported_metrics():
    assert alert_problems(ALERTS) == []


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("increase(consumer_dlq_messages_total[15m])", "increase(consumer_dlq_message_total[15m])",
         "DeadLetters: no service exports consumer_dlq_message_total"),
        ("rate(consumer_retries_total[5m])", "rate(consumer_retries[5m])",
         "ConsumerRetrying: no service exports consumer_retries"),
        ("expr: outbox_backlog > 1000", "expr: outbox_backlog_rows > 1000",
         "OutboxBacklogGrowing: no service exports outbox_backlog_rows"),
        ("          severity: critical\n", "          team: ops\n",
         "ServiceDown: severity not one of ['critical', 'info', 'warning']"),
        ("- alert: OutboxStuck", "- alert: OutboxBacklogGrowing",
         "OutboxBacklogGrowing: defined twice"),
    ],
    ids=["misspelled metric", "no _total on a counter", "renamed gauge", "severity", "duplicate"],
)  # fmt: skip
def test_a_broken_alert_rules_file_is_reported(tmp_path, old, new, problem):
    text = ALERTS.read_text(encoding="utf-8")
    assert old in text, "the breakage no longer applies: update the test"
    copy = tmp_path / "alerts.yml"
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")

    assert problem in alert_problems(copy)


def test_the_metrics_page_names_every_exported_metric(tmp_path):
    assert undocumented_metrics(METRICS_DOC) == []

    copy = tmp_path / "metrics.md"
    copy.write_text(
        METRICS_DOC.read_text(encoding="utf-8").replace("`consumer_lag`", "`lag`"),
        encoding="utf-8",
    )
    assert undocumented_metrics(copy) == ["consumer_lag (gauge) is not in metrics.md"]
