"""The relation graph of a policy: thresholds and safeguards as nodes, relations as edges.

Node names are ``threshold:<id>`` and ``safeguard:<id>``. ``implies`` adds an edge from the
stronger threshold to the weaker one; ``requires`` an edge from a threshold to a safeguard. The
gate walks this graph in topological order, so it must be acyclic; lint proves that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.policy.model import Policy

if TYPE_CHECKING:  # networkx is imported where a graph is built: a clean lint never needs it
    import networkx as nx


def threshold_node(threshold_id: str) -> str:
    """The graph's node for a threshold (ids are unique per section, so nodes carry the kind)."""
    return f"threshold:{threshold_id}"


def safeguard_node(safeguard_id: str) -> str:
    """The graph's node for a safeguard."""
    return f"safeguard:{safeguard_id}"


def relation_graph(policy: Policy) -> nx.DiGraph[str]:
    """Build the directed relation graph (edges carry ``kind``: implies or requires)."""
    import networkx as nx

    g: nx.DiGraph[str] = nx.DiGraph()
    for t in policy.thresholds:
        g.add_node(threshold_node(t.id), kind="threshold", title=t.title)
    for safeguard in policy.safeguards:
        g.add_node(safeguard_node(safeguard.id), kind="safeguard", title=safeguard.title)
    for rel in policy.relations.implies:
        g.add_edge(threshold_node(rel.source), threshold_node(rel.target), kind="implies")
    for req in policy.relations.requires:
        for s in req.safeguards:
            g.add_edge(threshold_node(req.threshold), safeguard_node(s), kind="requires")
    return g


def find_cycle(g: nx.DiGraph[str]) -> list[str] | None:
    """One cycle as a list of node names (first node repeated at the end), or ``None``."""
    import networkx as nx

    try:
        edges = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return None
    return [u for u, _ in edges] + [edges[0][0]]


def topological_thresholds(policy: Policy) -> list[str]:
    """Threshold ids, stronger before weaker (a valid order for the gate)."""
    import networkx as nx

    g = relation_graph(policy)
    order = nx.lexicographical_topological_sort(g)
    return [n.split(":", 1)[1] for n in order if g.nodes[n].get("kind") == "threshold"]


def policy_cycle(policy: Policy) -> list[str] | None:
    """:func:`find_cycle` of the policy's relation graph, without building it when it is
    acyclic (the usual case, proved by peeling nodes with no incoming edge in plain Python):
    linting a policy then never imports networkx (~0.1 s of start-up)."""
    edges: dict[str, set[str]] = {}
    for rel in policy.relations.implies:
        edges.setdefault(threshold_node(rel.source), set()).add(threshold_node(rel.target))
    for req in policy.relations.requires:
        for sg in req.safeguards:
            edges.setdefault(threshold_node(req.threshold), set()).add(safeguard_node(sg))
    incoming: dict[str, int] = {}
    for u, vs in edges.items():
        incoming.setdefault(u, 0)
        for v in vs:
            incoming[v] = incoming.get(v, 0) + 1
    ready = [n for n, k in incoming.items() if k == 0]
    peeled = 0
    while ready:
        u = ready.pop()
        peeled += 1
        for v in edges.get(u, ()):
            incoming[v] -= 1
            if incoming[v] == 0:
                ready.append(v)
    if peeled == len(incoming):
        return None
    return find_cycle(relation_graph(policy))  # the same cycle, named as before
