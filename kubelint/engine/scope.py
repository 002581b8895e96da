"""What a run reads and what it reports on: the named files, the project around them, the cache.

``kubelint check FILE...`` reports on the named files but resolves references against the project
(kubelint/project/): the files named are the run's *targets*, the rest of the project its *context*.
Named folders are checked as a whole and are their own context. Kustomizations are followed
wherever they point, so that an overlay brings its bases along, and every file's role (manifest,
patch, kustomization ...) comes from the project model. Context files are read through the parse
cache (kubelint/project/cache.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubelint.config.options import Options
from kubelint.load.reader import ParsedDocument, new_document, read_documents
from kubelint.load.sources import InputProblem, decode, discover, read_source
from kubelint.model import Document, Source
from kubelint.project import build as project_build
from kubelint.project.bundles import key
from kubelint.project.cache import ParseCache, Record, digest
from kubelint.project.layout import project_files, project_root


@dataclass
class Scope:
    """The files of a run: which are reported on, their roles and bundles, and what was read early."""

    project: project_build.Project
    #: keys of the files reported on; None: every file read
    targets: set[str] | None
    cache: ParseCache | None = None
    #: sources read while planning (kustomizations, cached context files), with their documents
    early: list[tuple[Source, list[ParsedDocument]]] = field(default_factory=list)
    #: problems reading files that are reported on
    problems: list[InputProblem] = field(default_factory=list)
    #: context sources still to parse, and their cache keys
    unparsed: list[Source] = field(default_factory=list)
    cache_keys: dict[str, str] = field(default_factory=dict)
    #: files to read as usual (the targets)
    files: list[str] = field(default_factory=list)

    def reports(self, file: str) -> bool:
        if self.targets is None or file.startswith("<"):
            return True
        return key(file) in self.targets

    def role(self, file: str) -> str:
        if file.startswith("<"):
            return project_build.MANIFEST
        return self.project.role(file)


def plan(named: list[str], options: Options, folders_only: bool = False) -> Scope:
    """The scope of a run given the files named (stdin as ``-``); ``folders_only``: the command line
    named folders only, which are checked as a whole and are their own context."""
    context: list[str] = []
    root = None
    files_named = [f for f in named if f != "-"]
    if files_named and (options.context_paths or (options.project_context and not folders_only)):
        if options.context_paths:
            context = discover(list(options.context_paths), exclude=options.excluded)
            root = Path(os.path.commonpath([os.path.abspath(p) for p in options.context_paths]))
        else:
            root = project_root(options.root if options.config_path else None, files_named)
            if root is not None:
                context = project_files(root, exclude=options.excluded)
    targets = {key(f) for f in files_named}
    early: dict[str, tuple[Source, list[ParsedDocument]]] = {}
    problems: list[InputProblem] = []

    def read_kustomization(file: str) -> tuple[Document | None, Any]:
        source, found = read_source(file, options.max_file_size, options.overlay)
        if key(file) in targets:
            problems.extend(found)
        if source is None:
            return None, None
        parsed, _ = read_documents(source)
        early[key(file)] = (source, parsed)
        documents = [p.document for p in parsed if p.document.data is not None or p.problems]
        first = documents[0] if documents else None
        return first, first.data if first is not None else None

    project = project_build.build(files_named, context, read_kustomization, options.bundles,
                                  str(options.root) if options.config_path else None)
    scope = Scope(project, targets if context or _followed(project, targets) else None)
    scope.problems = problems
    cache = ParseCache(root) if options.cache and root is not None and context else None
    scope.cache = cache
    order = {key(f): i for i, f in enumerate(project.files)}
    for file in project.files:
        file_key = key(file)
        if file_key in early:
            scope.early.append(early[file_key])
        elif file_key in targets or cache is None:
            scope.files.append(file)
        else:
            _read_context(scope, file, options, cache)
    if "-" in named:
        scope.files.append("-")
    scope.early.sort(key=lambda item: order.get(key(item[0].name), len(order)))
    return scope


def _followed(project: project_build.Project, targets: set[str]) -> bool:
    """Whether the project reads files beyond the named ones (the bases of a named overlay)."""
    return any(key(f) not in targets for f in project.files)


def _read_context(scope: Scope, file: str, options: Options, cache: ParseCache) -> None:
    absolute = key(file)
    try:
        status = os.stat(file)
    except OSError:
        return  # a context file that cannot be read is nobody's finding: its references stay unknown
    hit = cache.by_stat(absolute, status.st_size, status.st_mtime_ns)
    if hit is not None:
        # Unchanged since the parse: its documents come from the cache; the file is not even read
        # (its text serves only findings, and the run reports none on a context file).
        _from_cache(scope, Source(file, ""), hit[1])
        return
    try:
        with open(file, "rb") as handle:
            raw = handle.read(options.max_file_size + 1)
    except OSError:
        return
    if len(raw) > options.max_file_size:
        return
    source, _ = decode(file, raw)
    cache_key = digest(raw)
    cache.stat(absolute, status.st_size, status.st_mtime_ns, cache_key)
    records = cache.get(cache_key)
    if records is None:
        scope.unparsed.append(source)
        scope.cache_keys[source.name] = cache_key
        return
    _from_cache(scope, source, records)


def _from_cache(scope: Scope, source: Source, records: list[Record]) -> None:
    scope.early.append((source, [ParsedDocument(new_document(source, index, start_line, text, data, exact))
                                 for index, start_line, text, data, exact in records]))


def remember(scope: Scope, source: Source, parsed: list[ParsedDocument]) -> None:
    """Keep the parse of a context file for the next run."""
    if scope.cache is None or source.name not in scope.cache_keys:
        return
    records: list[Record] = [[p.document.index, p.document.start_line, p.document.text, p.document.data,
                              p.document.exact] for p in parsed]
    scope.cache.put(scope.cache_keys[source.name], records)
