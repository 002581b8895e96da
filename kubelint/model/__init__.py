"""The plain data that flows through kubelint: sources, documents, resources, problems, findings.

Nothing here imports any other part of kubelint: every stage depends on the model, never the reverse.
"""

from kubelint.model.documents import NO_POSITIONS, Document, Positions, Resource, Source
from kubelint.model.findings import Finding, Path, Problem, ResourceRef, Severity, format_path
from kubelint.model.fixes import AsString, Fix, FixSummary, Insert, Operation, Remove, Rename, Replace, same_value
from kubelint.model.run import RunResult

__all__ = ["NO_POSITIONS", "AsString", "Document", "Finding", "Fix", "FixSummary", "Insert", "Operation", "Path",
           "Positions", "Problem", "Remove", "Rename", "Replace", "Resource", "ResourceRef", "RunResult", "Severity",
           "Source", "format_path", "same_value"]
