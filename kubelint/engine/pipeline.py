"""The pipeline: read -> resources -> validate -> checks -> findings (positions, config, redaction)."""

from __future__ import annotations

import gc
import os
import re
import time
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from kubelint.checks import Context
from kubelint.config.options import Options
from kubelint.engine import parallel_rules
from kubelint.engine.bundles import Elsewhere, bundle_views
from kubelint.engine.parallel_read import Progress, read_all
from kubelint.engine.runner import rule_tasks, run_rule
from kubelint.engine.scope import Scope, plan, remember
from kubelint.findings import suppress
from kubelint.findings.printable import printable_finding
from kubelint.findings.redaction import UnreadableLines, mask_values, sensitive_values
from kubelint.fix import providers as fix_providers
from kubelint.load import resources as resource_loader
from kubelint.load.reader import ParsedDocument, read_documents
from kubelint.load.scalars import describe
from kubelint.load.sources import InputProblem, discover, discover_more, read_source
from kubelint.model import Document, Finding, Problem, Resource, RunResult, Severity, Source, format_path
from kubelint.model import Path as ModelPath
from kubelint.project import kustomize
from kubelint.project import render as rendering
from kubelint.project.build import CHART, KUSTOMIZATION, PATCH, PLUGIN, Project
from kubelint.project.bundles import key
from kubelint.project.patches import PATCH_INVALID, json_patch_problems
from kubelint.rules.registry import Rule, load_rules
from kubelint.schema import lifecycle
from kubelint.schema.bundle import Bundle, load_bundle, normalise_version
from kubelint.schema.crd import CRDRegistry, CustomKind
from kubelint.schema.nodepool import nodepool_crd
from kubelint.schema.validate import SchemaView, engine, explain, list_map_duplicates, strip_nulls, value_at

if TYPE_CHECKING:
    from kubelint.findings.baseline import Baseline
    from kubelint.schema.catalog import Catalog, Selection
    from kubelint.schema.catalog_folder import FolderCatalog


def check(paths: Iterable[str] = (), *, text: str | None = None, name: str = "<text>",
          options: Options | None = None, progress: Progress | None = None) -> RunResult:
    """Lint files and folders (``-`` is stdin), or a YAML ``text``; return the findings.

    ``options.jobs`` reads and validates in parallel processes (kubelint/engine/parallel_read.py);
    ``progress`` (kubelint/cli/progress.py's TerminalProgress, say) is told how far reading has got.

    >>> from kubelint import check
    >>> result = check(text="apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: x}\\n")
    >>> result.findings
    []
    """
    started = time.perf_counter()
    options = options or Options()
    version = normalise_version(options.kube_version)
    runner = _Run(options, load_bundle(version), load_rules())
    if options.baseline and not options.write_baseline:
        # Start-up: the baseline imports hashlib (OpenSSL), which runs without --baseline never need.
        from kubelint.findings.baseline import Baseline

        runner.baseline = Baseline(options.baseline)  # BaselineError: a usage error
    sources: list[Source] = []
    if text is not None:
        sources.append(Source(name, text))
    paths = list(paths)
    files = discover(paths, exclude=_excluding_baseline(options)) if paths else []
    if options.force_exclude:  # pre-commit names every file: the configuration's exclude still applies
        files = [file for file in files if file == "-" or not options.excluded(file)]
    if options.nodes:  # node inventories are linted like manifests (kubelint/schedule)
        files += discover_more(options.nodes, files)
    folders_only = bool(paths) and all(os.path.isdir(path) for path in paths)
    runner.scope = scope = plan(files, options, folders_only)
    for problem in scope.problems:
        runner.add_input_problem(problem)
    for source, parsed in scope.early:
        runner.read(source, parsed)
    sources = read_all(runner, sources + scope.unparsed, scope.files, options.jobs, progress)  # in parallel
    for source in scope.unparsed:
        remember(scope, source, runner.parsed_of.pop(source.name, []))
    if scope.cache is not None:
        scope.cache.save()
    runner.put_in_order()
    for crd_path in options.crd_paths:
        runner.read_crds(crd_path)
    if options.render:
        runner.render()
    runner.use_catalogs()
    with _frozen_heap():
        runner.validate()
        runner.run_checks()
        findings = runner.finish()
    reported = [r for r in runner.resources if r.role == "object" and scope.reports(r.file)]
    files_checked = len({s.name for s in runner.sources.values() if scope.reports(s.name)})
    return RunResult(findings, files=files_checked, documents=runner.document_count, resources=reported,
                     kube_version=version, elapsed=time.perf_counter() - started, suppressed=runner.suppressed)


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep the cyclic garbage collector from rescanning the parsed documents (gc.freeze).

    They live until the run ends, and on a big bundle every full collection walks their millions
    of objects again: the indexes the checks build would trigger one more, costing 0.2 s on
    10,000 documents.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class _Run:
    """One run's state: what was read, the resources, and the problems found on the way to findings."""

    def __init__(self, options: Options, bundle: Bundle, rules: dict[str, Rule]):
        self.options = options
        self.bundle = bundle
        self.rules = rules
        self.view = SchemaView(bundle.defs)
        self.engine = engine(options.schema_engine)
        self.crds = CRDRegistry()
        self.crds.add(nodepool_crd())  # kubelint.io/v1alpha1 NodePool, the compact node inventory
        #: CRDs taken from a catalog (--crd-catalog folders, the bundled one), by id: where each comes from
        self.from_catalog: dict[int, str] = {}
        self.catalog: Catalog | None = None  # the bundled catalog, once a custom kind asked for it
        self.catalog_selection: Selection | None = None
        self._folders: list[FolderCatalog] | None = None  # the --crd-catalog folders, once a custom kind asked
        self.parsed: list[ParsedDocument] = []
        self.resources: list[Resource] = []
        self.findings: list[Finding] = []
        self.unreadable = UnreadableLines()  # documents that could not be read: their lines are masked
        self.pending: list[tuple[Document, Resource | None, Problem, str]] = []
        self.document_count = 0
        self.sources: dict[str, Source] = {}
        self.lifecycle: dict[tuple[str, str], Problem | None] = {}
        self.baseline: Baseline | None = None
        self.suppressed = 0
        self.validated: dict[int, list[Problem]] = {}  # by id(resource): validated by a parallel worker
        self.schema_invalid: set[int] = set()  # by id(resource): a value of the wrong type
        self.scope = Scope(Project(None, []), None)  # what the run reads and reports (engine/scope.py)
        self.parsed_of: dict[str, list[ParsedDocument]] = {}  # context files parsed now, for the cache
        #: --render: each rendered bundle's objects, and where each rendered object came from
        self.rendered: dict[str, list[Resource]] = {}
        self.origins: dict[int, tuple[Resource | None, str]] = {}
        self.rendered_charts: set[str] = set()
        self.chart_render_failures: dict[str, str] = {}

    # --- reading ---------------------------------------------------------------------------

    def add_input_problem(self, problem: InputProblem) -> None:
        self._emit(Finding(problem.rule, self.rules[problem.rule].severity, problem.message, problem.file,
                           problem.line, problem.column, hint=problem.hint))

    def read(self, source: Source, parsed: list[ParsedDocument] | None = None) -> None:
        """Take in a source's documents (``parsed``: already read, by a parallel worker or the cache).

        What a file's documents are depends on its role in the project (kubelint/project/build.py):
        objects, kustomize patches (partial objects), a kustomization, or a plugin config, which is
        no cluster object. Problems are kept only for the files the run reports on.
        """
        self.sources[source.name] = source
        if parsed is None:
            parsed, _ = read_documents(source)
        if source.name in self.scope.cache_keys:
            self.parsed_of[source.name] = parsed
        role = self.scope.role(source.name)
        reported = self.scope.reports(source.name)
        if role == KUSTOMIZATION:
            self._kustomization(source, parsed, reported)
            return
        for document in parsed:
            if reported:
                self.document_count += 1
                self.parsed.append(document)
                self._document_problems(source, document)
            data = document.document.data
            if role == PLUGIN or kustomize.is_plugin_config(data):
                continue  # a transformer's or generator's config: not a cluster object
            if kustomize.is_kustomization_data(data):  # a Kustomization in a file of another name
                if reported:
                    for problem in kustomize.read(source.name, document.document, data, exists=_nothing).problems:
                        self.pending.append((document.document, None, problem, problem.rule or kustomize.INVALID))
                continue
            if role == PATCH and isinstance(data, list):
                if reported:
                    for problem in json_patch_problems(data):
                        self.pending.append((document.document, None, problem, problem.rule or PATCH_INVALID))
                continue
            found, invalid = resource_loader.extract(document.document)
            if reported:
                for manifest_problem in invalid:
                    self.pending.append((document.document, None, manifest_problem, "manifest-invalid"))
            for resource in found:
                if role == PATCH:
                    resource.role = "patch"
                self.resources.append(resource)
                if _is_crd(resource) and role != PATCH:
                    self.crds.add(resource)
            if document.validated is not None and len(document.validated) == len(found):
                for resource, validated in zip(found, document.validated):
                    if validated is not None:
                        self.validated[id(resource)] = validated

    def _document_problems(self, source: Source, document: ParsedDocument) -> None:
        if document.document.data is None and document.problems:
            first = document.document.start_line + 1
            self.unreadable.add(source.name, first, first + document.document.text.count("\n"))
        for problem in document.problems:
            rule = self.rules[problem.rule]
            severity = rule.severity if problem.severity is None else problem.severity
            self._emit(Finding(problem.rule, severity, problem.message,
                               source.name, problem.line, problem.column, path=format_path(problem.path),
                               hint=problem.hint))

    def _kustomization(self, source: Source, parsed: list[ParsedDocument], reported: bool) -> None:
        """A kustomization file: its YAML problems and what kustomize would reject in it."""
        if not reported:
            return
        for document in parsed:
            self.document_count += 1
            self.parsed.append(document)
            self._document_problems(source, document)
        found = self.scope.project.kustomization(source.name)
        documents = [p.document for p in parsed if p.document.data is not None]
        if found is None or not documents:
            return
        for problem in found.problems:
            self.pending.append((documents[0], None, problem, problem.rule or kustomize.INVALID))

    def put_in_order(self) -> None:
        """Resources in the project's file order, whatever order they were read in (cache, workers)."""
        order = {key(file): index for index, file in enumerate(self.scope.project.files)}
        position = {name: order.get(key(name), -1) if not name.startswith("<") else -1 for name in self.sources}
        self.resources.sort(key=lambda r: (position.get(r.file, -1), r.document.index))
        self.parsed.sort(key=lambda p: (position.get(p.document.source.name, -1), p.document.index))

    def read_crds(self, path: str) -> None:
        """CRDs from --crds: they define kinds; their own findings are not reported."""
        for file in discover([path]):
            source, _ = read_source(file, self.options.max_file_size)
            if source is None:
                continue
            for document in read_documents(source)[0]:
                for resource in resource_loader.extract(document.document)[0]:
                    if _is_crd(resource):
                        self.crds.add(resource)

    def use_catalogs(self) -> None:
        """The CRDs of custom kinds that no CRD of the input or of --crds defines: from the
        --crd-catalog folders in their order, then from the bundled catalog (the projects that the
        configuration's ``crd-catalog`` selects). A kind (group and kind) that the input or --crds
        defines is never taken from a catalog, in any version: the input's CRD is the one the
        cluster gets. Runs without custom resources read no catalog at all."""
        wanted: dict[tuple[str, str], None] = {}
        for resource in [*self.resources, *(r for objects in self.rendered.values() for r in objects)]:
            if self.bundle.kind(resource.api_version, resource.kind) is None and resource.group and \
                    not self.crds.versions_of(resource.group, resource.kind):
                wanted[(resource.api_version, resource.kind)] = None
        if not wanted:
            return
        for api_version, kind in wanted:
            found = self._catalog_crd(api_version, kind)
            if found is not None and id(found[0]) not in self.from_catalog:
                self.from_catalog[id(found[0])] = found[1]
                self.crds.add(found[0])

    def _catalog_crd(self, api_version: str, kind: str) -> tuple[Resource, str] | None:
        """The first catalog CRD that defines apiVersion/kind, and where it comes from."""
        for folder in self.folders():
            crd = folder.lookup(api_version, kind)
            if crd is not None:
                return crd, crd.file
        catalog, selection = self._bundled()
        entry = catalog.lookup(api_version, kind, selection) if selection else None
        if entry is None:
            return None
        return catalog.resource(entry), catalog.describe(entry)

    def folders(self) -> list[FolderCatalog]:
        """The --crd-catalog folders (nothing is read before a kind is looked up in them)."""
        if self._folders is None:
            # Start-up: the catalogs' modules cost about 9 ms to import; runs without custom resources never need them.
            from kubelint.schema.catalog_folder import FolderCatalog

            self._folders = [FolderCatalog(folder) for folder in self.options.crd_catalog_dirs]
        return self._folders

    def _bundled(self) -> tuple[Catalog, Selection]:
        """The bundled catalog and the selection of its bundles, read on first use."""
        if self.catalog is None or self.catalog_selection is None:
            # Start-up: see folders(): only runs with custom resources import the catalog
            from kubelint.schema.catalog import default_catalog

            self.catalog = default_catalog()
            self.catalog_selection = self.catalog.select(self.options.crd_catalog)
        return self.catalog, self.catalog_selection

    def origin(self, custom: CustomKind) -> str:
        """Where a custom kind's CRD comes from, for messages."""
        return self.from_catalog.get(id(custom.definition), "its CustomResourceDefinition")

    # --- rendering (--render) ---------------------------------------------------------------

    def render(self) -> None:
        """``--render``: each kustomize bundle with a reported file, as kustomize builds it, in place
        of the offline reading of it; findings on its objects are placed in the files they came from."""
        for bundle in self.scope.project.bundles:
            if not bundle.kustomizations or not any(self.scope.reports(f) for f in bundle.files):
                continue
            root = bundle.kustomizations[0]
            if any(k.problems for k in bundle.kustomizations):
                continue  # kustomize would fail where the offline reading already says why
            try:
                text, wrapper = rendering.build_kustomization(root.folder)
            except rendering.RenderError as exc:
                self._render_failed(root, f"kustomize build {root.folder} failed: {exc}")
                continue
            source = Source(f"<kustomize build {root.folder}>", text)
            objects = []
            for parsed in read_documents(source)[0]:
                for resource in resource_loader.extract(parsed.document)[0]:
                    origin = rendering.origin_of(resource.data, wrapper)
                    file = origin.file if origin else root.file
                    self.origins[id(resource)] = (self._origin_resource(resource, origin), file)
                    objects.append(resource)
            self.rendered[bundle.name] = objects
        for chart in self.scope.project.charts:
            if self.scope.targets is not None and not any(chart.holds(t) for t in self.scope.targets):
                continue
            try:
                text = rendering.template_chart(chart.folder)
            except rendering.RenderError as exc:
                self.chart_render_failures[chart.folder] = str(exc)
                continue
            source = Source(f"<helm template {chart.folder}>", text)
            objects = []
            for parsed in read_documents(source)[0]:
                file = rendering.template_source(parsed.document.text, chart.folder) or chart.chart_file
                for resource in resource_loader.extract(parsed.document)[0]:
                    self.origins[id(resource)] = (None, file)
                    objects.append(resource)
            self.rendered[f"<chart {chart.folder}>"] = objects
            self.rendered_charts.add(chart.folder)

    def _render_failed(self, root: kustomize.Kustomization, message: str) -> None:
        if root.document is not None and self.scope.reports(root.file):
            self.pending.append((root.document, None, Problem((), message, rule=kustomize.INVALID,
                                 hint="the offline reading of it is checked instead"), kustomize.INVALID))

    def _origin_resource(self, rendered: Resource, origin: rendering.Origin | None) -> Resource | None:
        """The object of the source file a rendered object came from: same kind, and the name that
        kustomize's prefixes and suffixes were added to (the longest that fits)."""
        if origin is None or origin.generated_by is not None:
            return None
        candidates = [r for r in self.resources if key(r.file) == key(origin.file) and r.kind == rendered.kind]
        named = [r for r in candidates if r.name and rendered.name and r.name in rendered.name]
        named.sort(key=lambda r: len(r.name or ""), reverse=True)
        found = named or candidates
        return found[0] if found else None

    def file_of(self, resource: Resource) -> str:
        """The file a resource's findings are reported in: a rendered object's origin."""
        found = self.origins.get(id(resource))
        return found[1] if found is not None else resource.file

    # --- validation ------------------------------------------------------------------------

    def validate(self) -> None:
        """Schema and API checks of every object the run reports on. A kustomize patch is a partial
        object: its fields' names and types are checked, not whether required ones are there."""
        for resource in self.resources:
            self._set_namespace(resource)
            validated = self.validated.pop(id(resource), None)
            if not self.scope.reports(resource.file):
                continue
            for problem in self.validate_resource(resource) if validated is None else validated:
                if resource.role == "patch" and problem.rule in ("schema-required", "api-removed", "unknown-kind"):
                    continue
                if problem.rule in (None, "schema-type"):
                    self.schema_invalid.add(id(resource))
                self.pending.append((resource.document, resource, problem, problem.rule or "schema-type"))
        for objects in self.rendered.values():
            for resource in objects:
                self._set_namespace(resource)
                if self.scope.reports(self.file_of(resource)):
                    for problem in self.validate_resource(resource):
                        if problem.rule in (None, "schema-type"):
                            self.schema_invalid.add(id(resource))
                        self.pending.append((resource.document, resource, problem, problem.rule or "schema-type"))

    def _set_namespace(self, resource: Resource) -> None:
        info = self.bundle.kind(resource.api_version, resource.kind)
        custom = self.crds.lookup(resource.api_version, resource.kind) if info is None else None
        namespaced = info.namespaced if info else (custom.namespaced if custom else True)
        resource.namespace = (resource.namespace or self.options.namespace) if namespaced else None

    def validate_resource(self, resource: Resource) -> Iterator[Problem]:
        kind_key = (resource.api_version, resource.kind)
        if kind_key not in self.lifecycle:
            self.lifecycle[kind_key] = lifecycle.check(self.bundle, resource.api_version, resource.kind)
        lifecycle_problem = self.lifecycle[kind_key]
        if lifecycle_problem is not None:
            yield lifecycle_problem
        info = self.bundle.kind(resource.api_version, resource.kind)
        key: tuple[object, ...]
        if info is not None:
            key = (self.bundle.version, info.definition)
            root = self.bundle.root_schema(info.definition)
            data = resource.data
        else:
            custom = self.crds.lookup(resource.api_version, resource.kind)
            if custom is None:
                if lifecycle_problem is None:
                    yield self._unknown_kind(resource)
                return
            if not custom.served and id(custom.definition) in self.from_catalog:
                # a catalog holds one release of the project; the cluster may run an older one that serves it
                yield Problem(("apiVersion",), f"{resource.api_version} {resource.kind} is not served by "
                              f"{self.origin(custom)}: if the cluster runs that release, the API server "
                              "rejects it", rule="api-unavailable", severity=Severity.WARNING,
                              hint="use a version that release serves, or pass the CRD the cluster runs with "
                                   "--crds PATH")
            elif not custom.served:
                yield Problem(("apiVersion",), f"{resource.api_version} {resource.kind} is not served: its "
                              "CustomResourceDefinition sets served: false for this version", rule="api-unavailable")
            if custom.deprecated:
                warning = custom.deprecation_warning or f"{resource.api_version} {resource.kind} is deprecated"
                yield Problem(("apiVersion",), f"{warning} (from {self.origin(custom)})", rule="api-deprecated")
            if custom.schema is None:
                return
            # the converted schema refers to this bundle's ObjectMeta: its validator is the bundle's too
            key = (self.bundle.version,) + custom.key
            root = custom.json_schema(self.bundle.ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"))
            data = custom.as_validated(resource.data)
        errors = self.engine.errors(key, lambda: root, data, self.bundle.uri, self.bundle.defs)
        if errors and any(value_at(data, path) is None for path, _ in errors):
            strip_nulls(data)
            errors = self.engine.errors(key, lambda: root, data, self.bundle.uri, self.bundle.defs)
        sensitive = _secret_paths(resource)
        yield from explain(self.view, root, data, errors, sensitive)
        yield from list_map_duplicates(self.view, root, data, key)

    def _unknown_kind(self, resource: Resource) -> Problem:
        group = resource.group
        same_kind = self.bundle.kinds_named(resource.kind)
        builtin_group = group == "" or any(k.api_version.rpartition("/")[0] == group for k in self.bundle.kinds())
        if same_kind:
            best = lifecycle.replacement(self.bundle, resource.api_version, resource.kind)
            target = best.api_version if best else same_kind[0].api_version
            return Problem(("apiVersion",), f"{resource.api_version} has no kind {resource.kind}: "
                           f"{resource.kind} is served as {target}", rule="unknown-kind", severity=Severity.ERROR,
                           hint=f"set apiVersion: {target}")
        if builtin_group:
            return Problem(("kind",), f'Kubernetes {self.bundle.version} has no kind "{resource.kind}" in '
                           f"{resource.api_version}", rule="unknown-kind", severity=Severity.ERROR,
                           hint="check the spelling of kind (it is case-sensitive) and apiVersion")
        crd_versions = [c for c in self.crds.versions_of(group, resource.kind)
                        if id(c.definition) not in self.from_catalog]
        if crd_versions:
            served = ", ".join(c.api_version for c in crd_versions)
            return Problem(("apiVersion",), f"{resource.api_version} {resource.kind}: its "
                           f"CustomResourceDefinition defines only {served}", rule="unknown-kind",
                           severity=Severity.ERROR)
        return self._not_in_catalogs(resource)

    def _not_in_catalogs(self, resource: Resource) -> Problem:
        """unknown-kind for a custom kind that neither the input nor a catalog defines in its version.

        A catalog that defines other versions is a warning, not an error: it holds one release of the
        project, and the cluster may run another."""
        group, kind = resource.group, resource.kind
        for folder in self.folders():
            versions = folder.versions_of(group, kind)
            if versions:
                return self._other_versions(resource, f"the CRD catalog {folder.folder} defines", versions)
        catalog, selection = self._bundled()
        entries = catalog.versions_of(group, kind, selection)
        if entries:
            return self._other_versions(resource, catalog.describe(entries[0]) + " define",
                                        [e.api_version for e in entries])
        hint = ("pass the CRD with --crds PATH (or a folder of CRDs or kubeconform JSON Schemas with --crd-catalog "
                "DIR), or ignore the rule unknown-kind for this kind")
        left_out = catalog.versions_of(group, kind)
        if left_out:
            hint = (f"the bundled catalog has {kind} ({left_out[0].project}), but the configuration's crd-catalog "
                    f"leaves it out: add {left_out[0].project} to crd-catalog, or " + hint)
        bundled = " or the bundled CRD catalog" if selection else ""
        return Problem(("kind",), f"no schema for {resource.api_version} {kind}: it is not a built-in kind of "
                       f"Kubernetes {self.bundle.version} and no CustomResourceDefinition of the input{bundled} "
                       "defines it, so it was not validated", rule="unknown-kind", hint=hint)

    def _other_versions(self, resource: Resource, origin_defines: str, versions: list[str]) -> Problem:
        return Problem(("apiVersion",), f"no schema for {resource.api_version} {resource.kind}: {origin_defines} only "
                       f"{', '.join(versions)}, so it was not validated", rule="unknown-kind",
                       hint="use one of those versions if the cluster runs that release; otherwise pass the CRD "
                            "the cluster runs with --crds PATH")

    # --- checks ----------------------------------------------------------------------------

    def run_checks(self) -> None:
        """Run every enabled rule's template on each bundle of the project (kubelint/project/bundles.py):
        the objects of the bundle are the context, those of the reported files are checked. With
        several jobs, rules run in forked processes (kubelint/engine/parallel_rules.py) and their
        findings are taken in rule order."""
        views = bundle_views(self.scope, self.resources, self.options.namespace, self.rendered)
        elsewhere = Elsewhere(views) if len(views) > 1 else None
        for view in views:
            checked = [r for r in view.objects if r.role == "object" and self.scope.reports(self.file_of(r))]
            if not checked and self.scope.targets is not None and not any(
                    self.scope.reports(r.file) for r in view.partial):
                continue  # nothing of this bundle is reported on
            tasks = rule_tasks(self.rules, self.options, checked, frozenset(self.schema_invalid))
            context = Context(view.objects, self.bundle, self.crds, self.options, partial=view.partial,
                              elsewhere=elsewhere.finder(view) if elsewhere else None,
                              reports=lambda resource: self.scope.reports(self.file_of(resource)))
            # rules run in processes when there is much to check: a run on one file of a large project
            # checks little, whatever the size of its context
            jobs = parallel_rules.jobs_for(self.options.jobs, min(len(view.objects), len(checked)), len(tasks))
            if jobs > 1:
                results = parallel_rules.run(tasks, context, view.objects, jobs)
            else:
                results = [list(run_rule(task, context)) for task in tasks]
            for found in results:
                for resource, problem, rule_id in found:
                    if self.scope.reports(self.file_of(resource)):
                        self.pending.append((resource.document, resource, problem, rule_id))

    # --- findings --------------------------------------------------------------------------

    def _emit(self, finding: Finding) -> None:
        self.findings.append(finding)

    def finish(self) -> list[Finding]:
        seen: set[tuple[object, ...]] = set()
        for document, resource, problem, default_rule in self.pending:
            rule = self.rules.get(problem.rule or default_rule)
            if rule is not None and not self.options.rule_enabled(rule):
                continue  # not reported: no need to parse the document again for its position
            finding = self._locate(document, resource, problem, default_rule)
            identity = (finding.rule, finding.file, finding.line, finding.column, finding.message, finding.resource)
            if identity in seen:
                continue  # the same finding from another bundle the file belongs to
            seen.add(identity)
            self._emit(finding)
        self._chart_notes()
        self._ambiguity_warnings()
        out = []
        for finding in self.findings:
            rule = self.rules.get(finding.rule)
            if rule is None:
                raise KeyError(f"finding for unknown rule {finding.rule!r}")
            if not self.options.rule_enabled(rule):
                continue
            override = self.options.severity.get(finding.rule)
            if override is not None and override != finding.severity:
                finding = replace(finding, severity=override)
            out.append(finding)
        reports = self.scope.reports
        out, self.suppressed = suppress.apply(out, resources=[r for r in self.resources if reports(r.file)],
                                              sources={n: s for n, s in self.sources.items() if reports(n)},
                                              rules=self.rules, options=self.options, baseline=self.baseline)
        if out:
            shown = {finding.file for finding in out}  # the files whose lines the report shows
            redactor = _Redactor(sensitive_values(self.resources, raw_files=shown))
            lines = _SourceLines(self.sources)
            out = [printable_finding(redactor.apply(f, self._snippet(lines, f))) for f in out]
        out.sort(key=Finding.sort_key)
        return out

    def _chart_notes(self) -> None:
        """Once per Helm chart that holds a file of the run: it was not checked, and how to check it."""
        targets = self.scope.targets
        chart_sources = [name for name, role in self.scope.project.roles.items() if role == CHART
                         and (targets is None or name in targets)]
        for chart in self.scope.project.charts:
            if chart.folder in self.rendered_charts or not any(chart.holds(name) for name in chart_sources):
                continue
            failed = self.chart_render_failures.get(chart.folder)
            message = (f"Helm chart {chart.folder} was not checked: its templates become manifests only when "
                       "rendered with values" + (f" (helm template failed: {failed})" if failed else ""))
            self._emit(Finding("helm-chart", self.rules["helm-chart"].severity, message, chart.chart_file, 1, 1,
                               hint=f"check what it renders: helm template RELEASE {chart.folder} | kubelint check -"
                                    + ("" if failed or self.options.render else ", or run kubelint with --render")))

    def _snippet(self, lines: _SourceLines, finding: Finding) -> str | None:
        line = lines.get(finding.file, finding.line)
        if line is not None and (finding.rule == "yaml-encoding" or (finding.file, finding.line) in self.unreadable):
            return mask_values(line)  # which values are secret is unknown in a document that cannot be read
        return line

    def _locate(self, document: Document, resource: Resource | None, problem: Problem, default_rule: str) -> Finding:
        rule_id = problem.rule or default_rule
        rule = self.rules[rule_id]
        severity = rule.severity if problem.severity is None else problem.severity  # INFO is 0: not `or`
        origin = self.origins.get(id(resource)) if resource is not None else None
        if origin is not None:  # a rendered object: placed in the file it came from, at the nearest line
            source_resource, file = origin
            origin_document = source_resource.document if source_resource is not None else self.parsed_document(file)
            base = source_resource.path if source_resource is not None else ()
            position = (origin_document.positions().locate(base + problem.path, problem.at_key)
                        if origin_document is not None else None)
            line, column = position if position else (1, 1)
            return Finding(rule_id, severity, problem.message, file, line, column,
                           resource.ref if resource is not None else None, format_path(problem.path), problem.hint)
        base = resource.path if resource is not None else ()
        position = document.positions().locate(base + problem.path, problem.at_key)
        line, column = position if position else (document.start_line + 1, 1)
        fix = problem.fix or (fix_providers.provide(rule_id, resource, problem) if resource is not None else None)
        return Finding(rule_id, severity, problem.message, document.source.name,
                       line, column, resource.ref if resource is not None else None,
                       format_path(problem.path), problem.hint,
                       fix=fix.rebased(base, document.index) if fix is not None else None)

    def parsed_document(self, file: str) -> Document | None:
        """The first document of a file the run read (a kustomization a generator is configured in)."""
        for parsed in self.parsed:
            if key(parsed.document.source.name) == key(file):
                return parsed.document
        return None

    def _ambiguity_warnings(self) -> None:
        type_errors = {(f.file, f.line, f.column): i for i, f in enumerate(self.findings) if f.rule == "schema-type"}
        for parsed in self.parsed:
            for item in parsed.ambiguous:
                key = (parsed.document.source.name, item.line, item.column)
                explanation = (f"unquoted {item.literal} is {describe(item.value)} in YAML 1.1, which Kubernetes "
                               f"uses, but {item.other_reading} in YAML 1.2")
                quoted = f'"{item.literal}"'
                if key in type_errors:
                    index = type_errors[key]
                    finding = self.findings[index]
                    self.findings[index] = replace(finding, message=f"{finding.message} ({explanation})",
                                                    hint=f"quote it: {quoted}")
                    continue
                self._emit(Finding("yaml-ambiguous-scalar", self.rules["yaml-ambiguous-scalar"].severity,
                                   explanation + "; other tools read this file differently", key[0], item.line,
                                   item.column, path=format_path(item.path),
                                   hint=f"quote it ({quoted}) if you mean the string, or write the value "
                                        "unambiguously",
                                   fix=fix_providers.unambiguous(item.path, item.value, parsed.document.index)))


def _excluding_baseline(options: Options) -> Callable[[str, str | None], bool]:
    """options.excluded, and the baseline file, which is JSON but no manifest."""
    if not options.baseline:
        return options.excluded
    baseline = os.path.abspath(options.baseline)

    def excluded(path: str, named: str | None = None) -> bool:
        return os.path.abspath(path) == baseline or options.excluded(path, named)
    return excluded


def _nothing(path: str) -> bool:
    return False


def _is_crd(resource: Resource) -> bool:
    return resource.kind == "CustomResourceDefinition" and resource.group == "apiextensions.k8s.io"


def _secret_paths(resource: Resource) -> Callable[[ModelPath], bool]:
    if resource.kind == "Secret" and resource.group == "":
        return lambda path: bool(path) and path[0] in ("data", "stringData")
    return lambda path: False


class _SourceLines:
    def __init__(self, sources: dict[str, Source]):
        self.sources = sources
        self.lines: dict[str, list[str]] = {}

    def get(self, file: str, line: int | None) -> str | None:
        if line is None or file not in self.sources:
            return None
        if file not in self.lines:
            self.lines[file] = self.sources[file].text.splitlines()
        lines = self.lines[file]
        return lines[line - 1] if 0 < line <= len(lines) else None


_VALUE_PLACE = re.compile(r"^((?:data|stringData)|.*?\benv\[\d+\]\.value)(.*)$", re.DOTALL)


class _Redactor:
    """Masks secret values in every text field of a finding: message, hint, path (a Secret's key may
    hold its own value) and source snippet; every report format prints only these."""

    def __init__(self, secrets: set[str]):
        ordered = sorted(secrets, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None

    def _path(self, path: str) -> str:
        """Only the part of a path under a Secret's data or an env value can hold a value: field names
        elsewhere (``spec.volumes[0].storageos``) stay readable even when some secret equals them."""
        assert self.pattern is not None
        place = _VALUE_PLACE.match(path)
        return place.group(1) + self.pattern.sub("<redacted>", place.group(2)) if place else path

    def apply(self, finding: Finding, line: str | None) -> Finding:
        if self.pattern is None:
            return replace(finding, snippet=line) if line is not None else finding
        mask = self.pattern.sub
        return replace(finding, message=mask("<redacted>", finding.message), path=self._path(finding.path),
                        hint=mask("<redacted>", finding.hint) if finding.hint else None,
                        snippet=mask("********", line) if line is not None else None)
