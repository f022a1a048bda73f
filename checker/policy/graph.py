"""The relation graph of a policy: thresholds and safeguards as nodes, relations as edges.

Node names are ``threshold:<id>`` and ``safeguard:<id>``. ``implies`` adds an edge from the
stronger threshold to the weaker one; ``requires`` an edge from a threshold to a safeguard. The
gate walks this graph in topological order, so it must be acyclic; lint proves that.
"""

from __future__ import annotations

import networkx as nx

from checker.policy.model import Policy


def threshold_node(threshold_id: str) -> str:
    """The graph's node for a threshold (ids are unique per section, so nodes carry the kind)."""
    return f"threshold:{threshold_id}"


def safeguard_node(safeguard_id: str) -> str:
    """The graph's node for a safeguard."""
    return f"safeguard:{safeguard_id}"


def relation_graph(policy: Policy) -> nx.DiGraph[str]:
    """Build the directed relation graph (edges carry ``kind``: implies or requires)."""
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
    try:
        edges = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return None
    return [u for u, _ in edges] + [edges[0][0]]


def topological_thresholds(policy: Policy) -> list[str]:
    """Threshold ids, stronger before weaker (a valid order for the gate)."""
    g = relation_graph(policy)
    order = nx.lexicographical_topological_sort(g)
    return [n.split(":", 1)[1] for n in order if g.nodes[n].get("kind") == "threshold"]
