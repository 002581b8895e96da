"""The Pod Security Standards, control by control, as pod-security-admission evaluates them.

Upstream: k8s.io/pod-security-admission/policy/check_*.go (one file per check, each with the
policy versions it changed at) and api/helpers.go (namespace labels, levels, versions). Each
kubelint rule ``pss-*`` binds this template to one control (``params.control``): the function
registered under that name with ``@control`` in baseline.py or restricted.py.

Which profile applies to a pod is decided as the admission plugin decides it: by the
``pod-security.kubernetes.io/<mode>`` labels of the pod's Namespace when the input holds it, else by
the ``pod-security`` configuration (the cluster's defaults). Each mode gives a severity: a violation
of the **enforced** level is an error (admission rejects the pod), of the **warn** level a warning
(kubectl prints one), of the **audit** level an info. A violation reported at one mode is not
repeated at a milder one.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import Context
from kubelint.checks.pod_security import baseline, restricted  # noqa: F401  (they register the controls)
from kubelint.checks.pod_security.pod import CONTROLS, Pod
from kubelint.k8s import objects as k8s
from kubelint.k8s import workloads
from kubelint.k8s.podsecurity import LEVELS, ModePolicy, NamespacePolicy, PolicyIndex
from kubelint.model import Path, Problem, Resource, Severity
from kubelint.rules.registry import Rule

PARAMS = {"control": ""}
KINDS = k8s.POD_SPEC_KINDS


def policy_index(ctx: Context) -> PolicyIndex:
    """The Pod Security policy of every namespace of the run, shared by the pss-* rules."""
    index = ctx.cache.get("pod-security")
    if index is None:
        index = ctx.cache["pod-security"] = PolicyIndex(ctx.options.pod_security or {}, ctx.bundle.version,
                                                        ctx.resources)
    return index


def _pod(resource: Resource, ctx: Context) -> Pod | None:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return None
    path, spec = found
    metadata_path = k8s.pod_template_metadata_path(resource) or ("metadata",)
    metadata = k8s.get(resource.data, metadata_path)
    return Pod(spec, path, metadata if isinstance(metadata, dict) else {}, metadata_path)


def check_resource(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    results = ctx.cache.get("pss-results")
    if results is None:
        results = ctx.cache["pss-results"] = {}
    found = results.get(id(resource))
    if found is None:
        # every control at once: the pss-* rules share the pod view and the policy of its namespace
        pod = _pod(resource, ctx)
        found = results[id(resource)] = {} if pod is None else evaluate(
            pod, policy_index(ctx).policy(resource.namespace))
    yield from found.get(rule.params["control"], ())


def evaluate(pod: Pod, policy: NamespacePolicy) -> dict[str, list[Problem]]:
    """The problems of every control for one pod, each at the severity of the strictest mode that
    covers it: a control runs once per policy version, at the strictest level of the modes there."""
    out: dict[str, list[Problem]] = {}
    for name, control in CONTROLS.items():
        best: dict[Path, tuple[Severity, str, str, ModePolicy, str]] = {}
        for version, level, modes in policy.plan:
            pod.version = version
            for violation_level, path, message, hint in control(pod, level):
                rank = LEVELS.index(violation_level)
                for mode_policy, severity in modes:  # strictest first: the first mode whose level covers it
                    if LEVELS.index(mode_policy.level) >= rank:
                        if path not in best or severity > best[path][0]:
                            best[path] = (severity, message, hint, mode_policy, violation_level)
                        break
        if best:
            out[name] = [Problem(path, f"{message} {_consequence(violation_level, mode_policy)}", severity=severity,
                                 hint=hint, at_key=True)
                         for path, (severity, message, hint, mode_policy, violation_level) in best.items()]
    return out


def _consequence(level: str, mode: ModePolicy) -> str:
    if mode.mode == "enforce":
        return (f"[{level} Pod Security Standard, enforced ({mode.source}): admission rejects the pod]")
    return f"[{level} Pod Security Standard]"


