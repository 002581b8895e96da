"""Objects that exist in the cluster although the input does not define them.

Two sources: the objects Kubernetes itself creates (the ``default`` ServiceAccount and the
``kube-root-ca.crt`` ConfigMap of every namespace, the built-in ClusterRoles, the two
system PriorityClasses ...), and the patterns users declare with the ``external``
configuration key or ``--external``.

A pattern is ``KIND/NAME`` or ``KIND/NAMESPACE/NAME``:

- ``KIND`` is a kind, case-insensitive (``Secret``, ``secret``), optionally qualified by
  its API group as kubectl writes it (``IngressClass.networking.k8s.io``);
- with two parts the name matches in every namespace (and cluster-scoped objects);
  with three, only in the namespaces the middle part matches;
- each part may use shell globs: ``*``, ``?`` and ``[...]`` (``Secret/*/tls-*``,
  ``ConfigMap/shared-*``, ``StorageClass/*``).

A pattern may end in ``:KEY,KEY`` to name the keys of a ConfigMap or Secret
(``Secret/prod/db-credentials:username,password``); then references to other keys are
reported. Without keys, any key is accepted.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

_GLOB = re.compile(r"[*?\[]")


class PatternError(ValueError):
    """A malformed ``external`` pattern (a configuration error: exit code 2)."""


@dataclass(frozen=True)
class Pattern:
    text: str
    kind: str                 # lower-case kind or glob
    group: str | None         # None: any group
    namespace: str | None     # None: any namespace (two-part pattern)
    name: str
    keys: frozenset[str] | None = None
    builtin: bool = False

    def matches(self, group: str, kind: str, namespace: str | None, name: str) -> bool:
        if not fnmatch.fnmatchcase(kind.lower(), self.kind):
            return False
        if self.group is not None and self.group != group:
            return False
        if self.namespace is not None:
            if namespace is None or not fnmatch.fnmatchcase(namespace, self.namespace):
                return False
        return fnmatch.fnmatchcase(name, self.name)

    def names_kind(self, group: str, kind: str) -> bool:
        """Whether this pattern can match objects of this kind (at all)."""
        return fnmatch.fnmatchcase(kind.lower(), self.kind) and self.group in (None, group)


def parse(text: str, builtin: bool = False) -> Pattern:
    """Parse ``KIND[.GROUP]/[NAMESPACE/]NAME[:KEY,...]``; raise PatternError with the fix."""
    if not isinstance(text, str) or not text.strip():
        raise PatternError("an external object must be a non-empty string like Secret/my-namespace/my-secret")
    parts = text.strip().split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise PatternError(f"external object {text!r}: expected KIND/NAME or KIND/NAMESPACE/NAME "
                           "(globs allowed), like Secret/*/tls-* or ConfigMap/shop/shared-config")
    kind, _, group = parts[0].partition(".")
    if not re.fullmatch(r"[A-Za-z*?\[\]]+", kind):
        raise PatternError(f"external object {text!r}: {parts[0]!r} is not a kind (like Secret or "
                           "IngressClass.networking.k8s.io)")
    key_text = ""
    # ConfigMap and Secret names cannot hold colons, RBAC names can (system:controller:...)
    if kind.lower() in ("configmap", "secret") and ":" in parts[-1]:
        parts[-1], _, key_text = parts[-1].partition(":")
        if not parts[-1] or not re.fullmatch(r"[-._a-zA-Z0-9]+(,[-._a-zA-Z0-9]+)*", key_text):
            raise PatternError(f"external object {text!r}: expected NAME:KEY,KEY,... after the last /")
    keys = frozenset(key_text.split(",")) if key_text else None
    namespace = parts[1] if len(parts) == 3 else None
    return Pattern(text.strip(), kind.lower(), group or None, namespace, parts[-1], keys, builtin)


#: What every cluster has, so references to these are never reported.
#: Upstream: the root CA publisher (pkg/controller/certificates/rootcacertpublisher), the
#: ServiceAccount controller (pkg/controller/serviceaccount), the RBAC bootstrap policy
#: (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), the scheduling API's system priority
#: classes (pkg/apis/scheduling: names with the reserved "system-" prefix), the kubernetes
#: Service (pkg/controlplane/controller/kubernetesservice) and the system namespaces.
BUILTIN_TEXTS = (
    "Namespace/default",
    "Namespace/kube-system",
    "Namespace/kube-public",
    "Namespace/kube-node-lease",
    "ConfigMap/*/kube-root-ca.crt:ca.crt",
    "ConfigMap/kube-system/extension-apiserver-authentication",
    "ConfigMap/kube-public/cluster-info",
    "ServiceAccount/*/default",
    "Service/default/kubernetes",
    "ClusterRole/cluster-admin",
    "ClusterRole/admin",
    "ClusterRole/edit",
    "ClusterRole/view",
    "ClusterRole/system:*",
    "Role/kube-system/system:*",
    "Role/kube-system/extension-apiserver-authentication-reader",
    "Role/kube-public/system:*",
    "PriorityClass/system-cluster-critical",
    "PriorityClass/system-node-critical",
)
BUILTIN = tuple(parse(text, builtin=True) for text in BUILTIN_TEXTS)


class ExternalObjects:
    """Built-in objects plus the declared patterns, asked by kind and name."""

    def __init__(self, declared: list[str] | tuple[str, ...] = ()):
        self.declared = tuple(parse(text) for text in declared)
        self.patterns = BUILTIN + self.declared
        by_kind: dict[str, list[Pattern]] = {}
        self._any_kind: list[Pattern] = []
        for pattern in self.patterns:
            if _GLOB.search(pattern.kind):
                self._any_kind.append(pattern)
            else:
                by_kind.setdefault(pattern.kind, []).append(pattern)
        self._by_kind = by_kind
        self._found: dict[tuple, Pattern | None] = {}

    def find(self, group: str, kind: str, namespace: str | None, name: str) -> Pattern | None:
        """The first pattern that declares this object, or None."""
        key = (group, kind, namespace, name)
        if key in self._found:
            return self._found[key]
        found = None
        for pattern in (*self._by_kind.get(kind.lower(), ()), *self._any_kind):
            if pattern.matches(group, kind, namespace, name):
                found = pattern
                break
        self._found[key] = found
        return found

    def declares(self, group: str, kind: str, namespace: str | None) -> bool:
        """Whether the user declared objects of this kind that may live in this namespace."""
        return any(p.names_kind(group, kind) and (p.namespace is None or namespace is None
                                                  or fnmatch.fnmatchcase(namespace, p.namespace))
                   for p in self.declared)

    def declares_kind(self, group: str, kind: str) -> bool:
        """Whether the user declared any object of this kind (built-ins do not count)."""
        return any(p.names_kind(group, kind) for p in self.declared)


def declaration(kind: str, namespace: str | None, name: str) -> str:
    """The pattern that declares one object: for hints."""
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"
