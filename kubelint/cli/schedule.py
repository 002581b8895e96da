"""`kubelint schedule MANIFESTS... --nodes NODES`: the dry-run's own report.

Exit codes: 0 every pod fits, 1 a pod is unschedulable (or the input has errors), 2 usage or
configuration errors (no inventory, no nodes in it, a bad KubeSchedulerConfiguration).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TYPE_CHECKING

from kubelint.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    ConfigError,
    add_node_options,
    load_scheduler_config,
    options_from_args,
    write_output,
)
from kubelint.engine.pipeline import check
from kubelint.load.sources import UsageError
from kubelint.model import Finding, Severity
from kubelint.rules.registry import load_rules
from kubelint.schedule.inventory import inventory_resources, is_node, is_pool

if TYPE_CHECKING:
    from kubelint.schedule.scheduler import Simulation


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="MANIFESTS", help="files or folders; - reads stdin")
    add_node_options(parser)
    parser.add_argument("--format", "-f", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--explain", action="store_true",
                        help="add every node's filter verdict and every plugin's score for each pod")
    parser.add_argument("--what-if", choices=("node-failure",), action="append", default=[],
                        help="node-failure: for each node and zone, would its pods fit elsewhere (N-1)?")
    parser.add_argument("--kube-version", metavar="1.NN", help="Kubernetes version (default: the newest bundled)")
    parser.add_argument("--namespace", "-n", default=None, help="namespace of objects that set none")
    parser.add_argument("--crds", action="append", default=[], metavar="PATH",
                        help="CustomResourceDefinitions of custom resources in the input (may repeat)")
    parser.add_argument("--crd-catalog", action="append", default=[], metavar="DIR",
                        help="a folder of CRDs or kubeconform-style JSON Schemas, before the bundled catalog")
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: .kubelint.yaml found upward)")
    parser.add_argument("--max-file-size", type=int, default=64, metavar="MIB", help=MAX_SIZE_HELP)
    parser.add_argument("--no-color", action="store_true", help="never colour the output")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    parser.set_defaults(select=[], ignore=[], quiet=False, statistics=False, fail_on="error")


MAX_SIZE_HELP = "skip files larger than this, with a finding (default: 64)"


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if not args.paths:
        raise ConfigError("no manifests given: pass files, folders, or - to read stdin, and --nodes NODES")
    options = options_from_args(args)
    if not options.nodes:
        raise ConfigError("kubelint schedule needs a node inventory: --nodes FILE (Nodes as `kubectl get nodes "
                          "-o yaml` prints them, or kubelint.io/v1alpha1 NodePools)")
    # the dry-run's own rules: this command reports the dry-run itself
    options.ignore = list(options.ignore) + [rule.id for rule in load_rules().values() if rule.template == "schedule"]
    try:
        result = check(args.paths, options=options)
    except UsageError as exc:
        raise ConfigError(str(exc)) from None
    node_resources = inventory_resources(result.resources, options.nodes)
    if not any(is_node(r) or is_pool(r) for r in node_resources):
        raise ConfigError(f"no Node, NodeList or NodePool in {', '.join(options.nodes)}")
    # Start-up: the dry-run imports numpy (about 80 ms), which `kubelint check` without --nodes never needs.
    from kubelint.schedule import report as schedule_report
    from kubelint.schedule.scheduler import simulate

    raw = load_scheduler_config(options.scheduler_config) if options.scheduler_config else None
    sim = simulate(result.resources, node_resources, kube_version=result.kube_version, scheduler_config=raw,
                   explain=args.explain)
    findings = [f for f in result.findings if f.severity >= Severity.ERROR]
    findings += _inventory_findings(sim)
    report = schedule_report.build(sim, findings=findings, what_if="node-failure" in args.what_if,
                                   explain=args.explain, elapsed=time.perf_counter() - started)
    if args.format == "json":
        text = schedule_report.render_json(report)
    else:
        color = (args.output is None and not args.no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty())
        width = os.get_terminal_size().columns if color else 100
        text = schedule_report.render_text(report, color=color, width=width, explain=args.explain)
    write_output(text, args.output)
    failed = report["summary"]["unschedulable"] or any(f.severity >= Severity.ERROR for f in findings)
    return EXIT_FINDINGS if failed else EXIT_OK


def _inventory_findings(sim: Simulation) -> list[Finding]:
    """Inventory problems as findings (with lines), as `kubelint check --nodes` reports them."""
    rules = load_rules()
    out = []
    for resource, problem in sim.problems:
        rule = rules[problem.rule or "inventory-invalid"]
        position = resource.document.positions().locate(resource.path + problem.path, problem.at_key)
        line, column = position if position else (resource.document.start_line + 1, 1)
        out.append(Finding(rule.id, problem.severity or rule.severity, problem.message, resource.file, line, column,
                           resource.ref, hint=problem.hint))
    return out
