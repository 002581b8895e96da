"""Rendering with the real tools (``--render``): kustomize for kustomizations, helm for charts.

The offline reading of kustomizations (kustomize.py) is the default and needs nothing installed.
With ``--render`` and ``kustomize`` or ``kubectl`` on the PATH, each kustomize bundle is built as
``kustomize build`` would build it, from a wrapper kustomization that asks for origin annotations
(``buildMetadata: [originAnnotations]``, kustomize's ``config.kubernetes.io/origin``), so that every
object of the output says which file it came from; findings on it are then placed in that file.
With ``helm`` on the PATH, a chart is rendered with ``helm template`` and each object is placed in
the template its ``# Source:`` comment names. Nothing is ever executed unless ``--render`` is given.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Any

ORIGIN = "config.kubernetes.io/origin"
_SOURCE = re.compile(r"^# Source: (\S+)", re.MULTILINE)
TIMEOUT = 120


class RenderError(Exception):
    """The tool failed: its message, without the temporary paths."""


@dataclass(frozen=True)
class Origin:
    """Where a rendered object came from: a file, and what in it (a generator) made it."""

    file: str
    generated_by: str | None = None


def kustomize_command() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]  # kubectl embeds kustomize (the same code)
    return None


def helm_command() -> list[str] | None:
    return ["helm", "template"] if shutil.which("helm") else None


def build_kustomization(folder: str) -> tuple[str, str]:
    """The output of ``kustomize build FOLDER``, every object annotated with its origin, and the
    folder the origins' paths are relative to."""
    command = kustomize_command()
    if command is None:
        raise RenderError("neither kustomize nor kubectl is installed")
    with tempfile.TemporaryDirectory(prefix="kubelint-render-") as wrapper:
        target = os.path.relpath(os.path.abspath(folder), wrapper)
        with open(os.path.join(wrapper, "kustomization.yaml"), "w", encoding="utf-8") as handle:
            handle.write(f"resources:\n  - {target}\nbuildMetadata: [originAnnotations]\n")
        completed = _run(command + [wrapper])
        if completed.returncode != 0:
            raise RenderError(_message(completed.stderr, wrapper))
        return completed.stdout, wrapper


def template_chart(folder: str, release: str = "release-name") -> str:
    command = helm_command()
    if command is None:
        raise RenderError("helm is not installed")
    completed = _run(command + [release, folder])
    if completed.returncode != 0:
        raise RenderError(_message(completed.stderr, None))
    return completed.stdout


def _run(command: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise RenderError(f"{' '.join(command[:2])} took more than {TIMEOUT} s") from None
    except OSError as exc:
        raise RenderError(f"{command[0]}: {exc.strerror or exc}") from None


def _message(stderr: str, wrapper: str | None) -> str:
    """The tool's error, its innermost cause first (kustomize nests them: "accumulating resources:
    ... : cycle detected: ..."), without kubectl's log prefix and the temporary folder."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    text = lines[-1] if lines else "it failed without a message"
    text = re.sub(r'^E\d+ [\d:.]+\s+\d+ \S+\] "command failed" err=', "", text).strip('"')
    if wrapper:
        text = text.replace(wrapper, "<wrapper>")
    cause = text.rsplit("': ", 1)[-1]
    return cause if len(cause) <= 300 else cause[:297] + "..."


def origin_of(data: Any, relative_to: str) -> Origin | None:
    """The origin annotation of a rendered object, its paths relative to ``relative_to`` (and removes
    it: it is kubelint's, not the user's)."""
    if not isinstance(data, dict):
        return None
    metadata = data.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    if not isinstance(annotations, dict) or not isinstance(annotations.get(ORIGIN), str):
        return None
    text = annotations.pop(ORIGIN)
    if not annotations:
        del metadata["annotations"]
    path = re.search(r"^path: (\S+)", text, re.MULTILINE)
    configured = re.search(r"^configuredIn: (\S+)", text, re.MULTILINE)
    kind = re.search(r"^\s+kind: (\S+)", text, re.MULTILINE)
    if path:
        return Origin(_shown(os.path.join(relative_to, path.group(1))))
    if configured:
        return Origin(_shown(os.path.join(relative_to, configured.group(1))), kind.group(1) if kind else "a generator")
    return None


def template_source(document_text: str, chart_folder: str) -> str | None:
    """The template file a document of ``helm template`` output came from: its
    ``# Source: CHART/templates/x.yaml`` comment, relative to the chart's parent folder."""
    match = _SOURCE.search(document_text)
    if match is None:
        return None
    return _shown(os.path.join(os.path.dirname(os.path.abspath(chart_folder)), match.group(1)))


def _shown(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
