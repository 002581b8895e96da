"""`kubelint schedule MANIFESTS... --nodes NODES` and the --nodes options of `kubelint check`.

Kept apart from kubelint/cli/main.py so that the command line only imports the dry-run when it runs.
Exit codes: 0 every pod fits, 1 a pod is unschedulable (or the input has errors), 2 usage or
configuration errors (no inventory, no nodes in it, a bad KubeSchedulerConfiguration).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

#: rules whose template is the dry-run; `kubelint schedule` reports the dry-run itself
SCHEDULE_RULES = ("unschedulable", "inventory-invalid", "schedule-preemption", "schedule-rollout-stall",
                  "schedule-single-node", "schedule-single-zone", "schedule-node-failure", "schedule-hpa-max")


def add_node_options(parser) -> None:
    parser.add_argument("--nodes", action="append", default=[], metavar="PATH",
                        help="node inventory (Nodes, a NodeList or kubelint.io/v1alpha1 NodePools): dry-run "
                             "kube-scheduler on it and report pods that would not fit (may repeat)")
    parser.add_argument("--scheduler-config", metavar="FILE",
                        help="KubeSchedulerConfiguration for the dry-run (default: kube-scheduler's defaults)")


def add_arguments(parser) -> None:
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
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: .kubelint.yaml found upward)")
    parser.add_argument("--max-file-size", type=int, default=64, metavar="MIB", help=MAX_SIZE_HELP)
    parser.add_argument("--no-color", action="store_true", help="never colour the output")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    parser.set_defaults(select=[], ignore=[], quiet=False, statistics=False, fail_on="error")


MAX_SIZE_HELP = "skip files larger than this, with a finding (default: 64)"


def options(args, config) -> tuple[list[str], str | None]:
    """--nodes and --scheduler-config from the command line, else from the configuration file
    (``nodes:`` and ``scheduler-config:``, relative to it)."""
    from kubelint.cli.main import ConfigError

    nodes = list(getattr(args, "nodes", None) or [])
    if not nodes and config.extra.get("nodes") is not None:
        raw = config.extra["nodes"]
        raw = [raw] if isinstance(raw, str) else raw
        if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
            raise ConfigError(f"{config.path}: nodes must be a list of files or folders")
        nodes = [str(config.root / p) for p in raw]
    for path in nodes:
        if path != "-" and not os.path.exists(path):
            raise ConfigError(f"--nodes {path}: no such file or folder")
    scheduler = getattr(args, "scheduler_config", None)
    if scheduler is None and config.extra.get("scheduler-config") is not None:
        if not isinstance(config.extra["scheduler-config"], str):
            raise ConfigError(f"{config.path}: scheduler-config must be a file name")
        scheduler = str(config.root / config.extra["scheduler-config"])
    if scheduler is not None:
        load_scheduler_config(scheduler)   # fail early, with exit code 2
    return nodes, scheduler


def load_scheduler_config(path: str) -> dict:
    from kubelint.cli.main import ConfigError
    from kubelint.schedule import config as scheduler_config

    if not Path(path).is_file():
        raise ConfigError(f"--scheduler-config {path}: no such file")
    try:
        raw = scheduler_config.read(path)
        scheduler_config.build_profiles(raw)
    except scheduler_config.SchedulerConfigError as exc:
        raise ConfigError(str(exc)) from None
    return raw


def run(args) -> int:
    from kubelint.cli.main import EXIT_FINDINGS, EXIT_OK, ConfigError, options_from_args, write_output
    from kubelint.engine.pipeline import check
    from kubelint.load.sources import UsageError
    from kubelint.model import Severity
    from kubelint.schedule import report as schedule_report
    from kubelint.schedule import simulate
    from kubelint.schedule.inventory import is_node, is_pool
    from kubelint.schedule.nodepool import inventory_resources

    started = time.perf_counter()
    if not args.paths:
        raise ConfigError("no manifests given: pass files, folders, or - to read stdin, and --nodes NODES")
    options = options_from_args(args)
    if not options.nodes:
        raise ConfigError("kubelint schedule needs a node inventory: --nodes FILE (Nodes as `kubectl get nodes "
                          "-o yaml` prints them, or kubelint.io/v1alpha1 NodePools)")
    options.ignore = list(options.ignore) + list(SCHEDULE_RULES)
    try:
        result = check(args.paths, options=options)
    except UsageError as exc:
        raise ConfigError(str(exc)) from None
    node_resources = inventory_resources(result.resources, options.nodes)
    if not any(is_node(r) or is_pool(r) for r in node_resources):
        raise ConfigError(f"no Node, NodeList or NodePool in {', '.join(options.nodes)}")
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


def _inventory_findings(sim) -> list:
    """Inventory problems as findings (with lines), as `kubelint check --nodes` reports them."""
    from kubelint.model import Finding
    from kubelint.rules.registry import load_rules

    rules = load_rules()
    out = []
    for resource, problem in sim.problems:
        rule = rules[problem.rule or "inventory-invalid"]
        position = resource.document.positions().locate(resource.path + problem.path, problem.at_key)
        line, column = position if position else (resource.document.start_line + 1, 1)
        out.append(Finding(rule.id, problem.severity or rule.severity, problem.message, resource.file, line, column,
                           resource.ref, hint=problem.hint))
    return out
