"""A NetworkPolicy whose podSelector, or the podSelector of one of its peers, selects no pod of
the input.

Upstream semantics (k8s.io/api/networking/v1 NetworkPolicySpec, NetworkPolicyPeer): the
policy's podSelector and a peer's podSelector without namespaceSelector select pods of the
policy's namespace; an empty selector selects all of them (a default-deny policy, say), and
is exempt. A peer with a namespaceSelector selects pods of other namespaces, which the input
may not show: it is exempt too.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.crossref.graph import graph
from kubelint.k8s import selector as selectors
from kubelint.model import Problem, Resource

PARAMS: dict = {}


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for policy in g.of_kind("networking.k8s.io", "NetworkPolicy"):
        spec = policy.data.get("spec")
        if not isinstance(spec, dict):
            continue
        candidates = [(("spec", "podSelector"), spec.get("podSelector"), "the policy applies to no pod")]
        for direction, peers_field in (("ingress", "from"), ("egress", "to")):
            rules = spec.get(direction)
            for r_index, item in enumerate(rules if isinstance(rules, list) else []):
                peers = item.get(peers_field) if isinstance(item, dict) else None
                for p_index, peer in enumerate(peers if isinstance(peers, list) else []):
                    if isinstance(peer, dict) and peer.get("podSelector") is not None \
                            and peer.get("namespaceSelector") is None:
                        candidates.append(((("spec", direction, r_index, peers_field, p_index, "podSelector")),
                                           peer["podSelector"], f"this {direction} rule allows traffic "
                                           f"{'from' if direction == 'ingress' else 'to'} no pod"))
        for path, raw, effect in candidates:
            if raw is None:
                continue
            try:
                selector = selectors.from_label_selector(raw)
            except selectors.SelectorError:
                continue
            if selector.everything or g.select(policy.namespace, selector):
                continue
            if not g.judges_namespace(policy.namespace) or g.maybe_made_by_operator(policy.namespace, selector):
                continue
            yield policy, Problem(path, f'podSelector ({selector}) selects no pod in namespace "{policy.namespace}": '
                                  f"{effect}", at_key=True,
                                  hint="match the labels of a pod template in the namespace (or add a "
                                       "namespaceSelector for pods of other namespaces)")
