"""Grammars of the hand-written validation: cron schedules (robfig/cron), env names per release,
quantities, and the clean real-world bundles that must stay clean."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from conftest import CORPUS, needs_shared, run_cli
from kubelint.k8s.apivalidation import quantity
from kubelint.checks.validation_apps import cron_schedule_error
from kubelint.checks.validation_pod.env import env_var_name_errors

VALID_SCHEDULES = ["*/5 * * * *", "0 0 * * *", "0 9-17/2 * * 1-5", "5 4 * JAN,feb mon", "0 0 1,15 * ?",
                   "@hourly", "@daily", "@midnight", "@every 1h30m", "TZ=UTC 0 * * * *", "0 0 * * 0",
                   "15 3 */2 * *", "0 22 * * sun-sat", "59 23 31 12 6"]
INVALID_SCHEDULES = {"* * * *": "expected exactly 5 fields", "0 0 5 * * *": "expected exactly 5 fields",
                     "60 * * * *": "above maximum (59)", "0 24 * * *": "above maximum (23)",
                     "0 0 0 * *": "below minimum (1)", "0 0 * 13 *": "above maximum (12)",
                     "0 0 * * 7": "above maximum (6)", "*/0 * * * *": "step of range should be a positive number",
                     "5-1 * * * *": "beyond end of range", "a * * * *": "failed to parse int from a",
                     "1-2-3 * * * *": "too many hyphens", "@fortnightly": "unrecognized descriptor",
                     "@every 5 minutes": "failed to parse duration"}


@pytest.mark.parametrize("schedule", VALID_SCHEDULES)
def test_valid_cron_schedules(schedule):
    assert cron_schedule_error(schedule) is None


@pytest.mark.parametrize("schedule,message", INVALID_SCHEDULES.items())
def test_invalid_cron_schedules(schedule, message):
    error = cron_schedule_error(schedule)
    assert error is not None and message in error, error


@pytest.mark.parametrize("name,strict_ok,relaxed_ok", [
    ("LOG_LEVEL", True, True), ("my.env-name", True, True), ("1ST", False, True), ("A B", False, True),
    ("A=B", False, False), ("", False, False), ("é", False, False)])
def test_env_var_names_per_release(name, strict_ok, relaxed_ok):
    assert (env_var_name_errors(name, relaxed=False) == []) is strict_ok
    assert (env_var_name_errors(name, relaxed=True) == []) is relaxed_ok


@pytest.mark.parametrize("text,value", [("500m", Fraction(1, 2)), ("1Gi", Fraction(2**30)), ("1e3", Fraction(1000)),
                                        ("0.5", Fraction(1, 2)), ("-1", Fraction(-1)), (2, Fraction(2)),
                                        ("1.5.0", None), ("10 GB", None), (" 1", None)])
def test_quantities(text, value):
    assert quantity(text) == value


@needs_shared(CORPUS)
def test_release_bundles_pass_the_api_server_validation():
    rules = "pod,workload,service,networking,pdb,hpa,rbac,storage,config,metadata,crd,cel"
    for path in ["GoogleCloudPlatform__microservices-demo/release/kubernetes-manifests.yaml",
                 "kubernetes__ingress-nginx/deploy/static/provider/cloud/deploy.yaml",
                 "argoproj__argo-cd/manifests/install.yaml",
                 "prometheus-operator__prometheus-operator/example"]:
        completed = run_cli("check", str(CORPUS / path), "--format", "json", "--select", rules)
        report = json.loads(completed.stdout)
        errors = [f for f in report["findings"] if f["severity"] == "error"]
        assert errors == [], (path, errors[:3])
