"""What every command shares: exit codes, usage errors, options from the configuration and the
command line, writing the report, and the message for an internal error."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path

from kubelint._version import __version__
from kubelint.config import file as config_module
from kubelint.config.options import Options
from kubelint.rules.registry import load_rules
from kubelint.schema.bundle import UnknownVersion, normalise_version

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
BUG_REPORT = "https://github.com/kubelint/kubelint/issues"


class ConfigError(Exception):
    """Bad configuration or arguments discovered after parsing: exit code 2."""


def report_internal_error(exc: BaseException, debug: bool) -> None:
    """A bug: a short message on stderr; the traceback only with --debug.

    The exception's own text stays out of the short message: it may quote the input, and
    secret values must never reach a CI log. The type and the place in kubelint's code are
    enough to find the bug; --debug shows everything to whoever asks for it.
    """
    import traceback  # start-up: about 5 ms, and only a failing run needs it

    if debug:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    where = ""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if "kubelint" in Path(frame.filename).parts]
    if frames:
        frame = frames[-1]
        parts = Path(frame.filename).parts
        module = "/".join(parts[len(parts) - 1 - parts[::-1].index("kubelint"):])
        where = f" in {module}:{frame.lineno} ({frame.name})"
    print(f"kubelint: internal error: {type(exc).__name__}{where}\n"
          f"This is a bug in kubelint {__version__}; please report it at {BUG_REPORT}"
          + ("." if debug else " (run again with --debug to get the traceback)."), file=sys.stderr)


def split_rules(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def add_node_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nodes", action="append", default=[], metavar="PATH",
                        help="node inventory (Nodes, a NodeList or kubelint.io/v1alpha1 NodePools): dry-run "
                             "kube-scheduler on it and report pods that would not fit (may repeat)")
    parser.add_argument("--scheduler-config", metavar="FILE",
                        help="KubeSchedulerConfiguration for the dry-run (default: kube-scheduler's defaults)")


def node_options(args: argparse.Namespace, config: config_module.Config) -> tuple[list[str], str | None]:
    """--nodes and --scheduler-config from the command line, else from the configuration file
    (``nodes:`` and ``scheduler-config:``, relative to it)."""
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
    """A KubeSchedulerConfiguration file, read and checked (a bad one is a usage error, exit 2)."""
    # Start-up: the scheduler imports numpy (about 80 ms), needed only with --scheduler-config.
    from kubelint.schedule import config as scheduler_config

    if not Path(path).is_file():
        raise ConfigError(f"--scheduler-config {path}: no such file")
    try:
        raw = scheduler_config.read(path)
        scheduler_config.build_profiles(raw)
    except scheduler_config.SchedulerConfigError as exc:
        raise ConfigError(str(exc)) from None
    return raw


def options_from_args(args: argparse.Namespace) -> Options:
    """Configuration file first, then the command line on top of it."""
    try:
        config = config_module.load_config(args.config)
    except config_module.ConfigError as exc:
        raise ConfigError(str(exc)) from None
    kube_version = args.kube_version or config.kube_version
    try:
        normalise_version(kube_version)
    except UnknownVersion as exc:
        raise ConfigError(str(exc)) from None
    rules = load_rules()
    select, ignore = split_rules(getattr(args, "select", [])), split_rules(getattr(args, "ignore", []))
    for pattern in select + ignore:
        try:
            config_module.check_rule_pattern(pattern, rules, "--select/--ignore")
        except config_module.ConfigError as exc:
            raise ConfigError(str(exc)) from None
    if args.max_file_size <= 0:
        raise ConfigError("--max-file-size must be a positive number of MiB")
    external = [p.strip() for p in getattr(args, "external", []) if p.strip()]
    try:
        config_module.check_external("--external", external)
    except config_module.ConfigError as exc:
        raise ConfigError(str(exc)) from None
    namespace = args.namespace if args.namespace is not None else (config.namespace or "default")
    pod_security = dict(config.pod_security)
    if getattr(args, "pod_security", None):  # `kubelint schedule` has no such option
        pod_security["enforce"] = args.pod_security
    nodes, scheduler_config = node_options(args, config)
    crd_catalog, crd_catalog_dirs = catalog_options(args, config)
    return Options(nodes=nodes, scheduler_config=scheduler_config, kube_version=kube_version, namespace=namespace,
                   crd_paths=list(config.crds) + list(args.crds), crd_catalog=crd_catalog,
                   crd_catalog_dirs=crd_catalog_dirs,
                   select=select or list(config.select), ignore=list(config.ignore) + ignore,
                   severity=dict(config.severity), exclude=list(config.exclude),
                   max_file_size=args.max_file_size * 1024 * 1024, rule_params=dict(config.rules),
                   external=list(config.external) + external, root=config.root, config_path=config.path,
                   extra=dict(config.extra),
                   pod_security=pod_security, baseline=getattr(args, "baseline", None) or config.baseline,
                   report_unused_suppressions=(getattr(args, "report_unused_suppressions", False)
                                               or config.report_unused_suppressions),
                   jobs=getattr(args, "jobs", 1), force_exclude=getattr(args, "force_exclude", False),
                   debug=getattr(args, "debug", False),
                   project_context=not getattr(args, "no_context", False),
                   context_paths=list(getattr(args, "context", None) or []) or list(config.context),
                   bundles=list(config.bundles), cache=config.cache and not getattr(args, "no_cache", False),
                   render=getattr(args, "render", False) or config.kustomize == "render")


def catalog_options(args: argparse.Namespace, config: config_module.Config) -> tuple[list[str] | None, list[str]]:
    """The bundled catalog's selection (``crd-catalog`` in the configuration) and the catalog folders
    (``crd-catalog-dirs``, then ``--crd-catalog``), checked: an unknown project or a missing folder
    is a usage error."""
    if config.crd_catalog:
        # Start-up: the catalog's module costs about 4 ms to import; only a configuration that selects needs it
        from kubelint.schema.catalog import CatalogError
        from kubelint.schema.catalog import select as select_catalog

        try:
            select_catalog(config.crd_catalog)
        except CatalogError as exc:
            raise ConfigError(f"{config.path}: {exc}") from None
    for folder in config.crd_catalog_dirs:
        if not os.path.isdir(folder):
            raise ConfigError(f"{config.path}: crd-catalog-dirs: {folder}: no such folder")
    named = list(getattr(args, "crd_catalog", None) or [])
    for folder in named:
        if not os.path.isdir(folder):
            raise ConfigError(f"--crd-catalog {folder}: no such folder (a folder of CRDs or of JSON Schemas "
                              "named {kind}_{version}.json)")
    return config.crd_catalog, list(config.crd_catalog_dirs) + named


def write_output(text: str, output: str | None) -> None:
    """Write to stdout, or atomically to a file: a temporary file beside it, renamed into place.

    Readers of the file see the old report or the new one, never half of one, and a failed
    run leaves no temporary file behind. A symbolic link keeps pointing where it did (its
    target is replaced); a file that is not a regular file (``/dev/stdout``, a named pipe)
    is written directly, since nothing can be renamed over it.
    """
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        existing = os.stat(output)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror or exc}") from None
    import tempfile  # start-up: about 5 ms (it imports random), only for --output

    data = text.encode("utf-8", "backslashreplace")
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        try:
            with open(output, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise ConfigError(f"cannot write {output}: {exc.strerror or exc}") from None
        return
    target = os.path.realpath(output)
    folder, name = os.path.split(target)
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(existing.st_mode) if existing is not None else _default_mode())
        os.replace(temporary, target)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise ConfigError(f"cannot write {output}: {exc.strerror or exc}") from None
        raise


def _default_mode() -> int:
    """The mode a new file gets from open(): 0o666 less the umask (mkstemp uses 0o600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


