"""Skill graphs: skills, prerequisite edges and the moves a simulated learner accepts."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

# The published KSS knowledge structure (10 concepts), as used by EduSim's KSS environment.
KSS_EDGES: tuple[tuple[int, int], ...] = (
    (0, 1), (0, 2), (1, 3), (2, 4), (2, 8), (3, 4), (4, 8), (5, 4), (5, 9), (6, 7), (7, 8), (8, 9),
)


@dataclass(frozen=True)
class SkillGraph:
    """A directed acyclic graph of skills.

    Attributes:
        nodes: Skill names; the index of a name is the skill's action id in the simulators.
        edges: Prerequisite edges ``(a, b)`` meaning skill ``a`` is a prerequisite of skill ``b``.
        items: Optional mapping item id -> skill names it exercises (lessons, exercises).
    """

    nodes: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]
    items: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.nodes)
        for a, b in self.edges:
            if not (0 <= a < n and 0 <= b < n) or a == b:
                raise ValueError(f"bad edge {(a, b)} for {n} nodes")
        self.topological_order()  # raises on cycles

    @property
    def size(self) -> int:
        """Number of skills."""
        return len(self.nodes)

    def index(self, name: str) -> int:
        """Index of a skill by name."""
        return self.nodes.index(name)

    def predecessors(self, node: int) -> list[int]:
        """Direct prerequisites of ``node``."""
        return [a for a, b in self.edges if b == node]

    def successors(self, node: int) -> list[int]:
        """Skills that directly require ``node``."""
        return [b for a, b in self.edges if a == node]

    def topological_order(self) -> list[int]:
        """Kahn's order, ties broken by index, so it is deterministic."""
        indeg = [0] * self.size
        for _, b in self.edges:
            indeg[b] += 1
        ready = sorted(i for i in range(self.size) if indeg[i] == 0)
        order: list[int] = []
        while ready:
            node = ready.pop(0)
            order.append(node)
            for succ in self.successors(node):
                indeg[succ] -= 1
                if indeg[succ] == 0:
                    ready.append(succ)
            ready.sort()
        if len(order) != self.size:
            raise ValueError("skill graph has a cycle")
        return order

    def generation_order(self) -> list[int]:
        """The order networkx (>= 2.6) gives ``topological_sort`` of a graph built from ``edges``.

        EduSim's warm-up walks this order, so the simulators use it there: generations of
        nodes whose prerequisites are done, nodes first met in the edge list first, isolated
        nodes last, children in the order of their edges.
        """
        seen: list[int] = []
        for edge in self.edges:
            seen.extend(node for node in edge if node not in seen)
        seen.extend(node for node in range(self.size) if node not in seen)
        indeg = [0] * self.size
        for _, b in self.edges:
            indeg[b] += 1
        generation = [node for node in seen if indeg[node] == 0]
        order: list[int] = []
        while generation:
            order.extend(generation)
            following: list[int] = []
            for node in generation:
                for succ in self.successors(node):
                    indeg[succ] -= 1
                    if indeg[succ] == 0:
                        following.append(succ)
            generation = following
        return order

    def ancestors(self, node: int) -> set[int]:
        """All transitive prerequisites of ``node``."""
        seen: set[int] = set()
        stack = self.predecessors(node)
        while stack:
            cur = stack.pop()
            if cur not in seen:
                seen.add(cur)
                stack.extend(self.predecessors(cur))
        return seen

    def accepted_moves(self, last: int) -> set[int]:
        """Moves a learner accepts after last learning ``last`` (EduSim's no-shortcut rule).

        The learner stays, moves to a successor, or steps back to a prerequisite, that
        prerequisite's own prerequisites, or its other successors (siblings).
        """
        moves = {last, *self.successors(last)}
        for pre in self.predecessors(last):
            moves.add(pre)
            moves.update(self.predecessors(pre))
            moves.update(self.successors(pre))
        return moves if len(moves) > 1 or self.size == 1 else set(range(self.size))

    def accepted_matrix(self) -> np.ndarray:
        """Boolean matrix ``M[last, move]`` of accepted moves."""
        mat = np.zeros((self.size, self.size), dtype=bool)
        for last in range(self.size):
            mat[last, sorted(self.accepted_moves(last))] = True
        return mat

    def promotion_matrix(self) -> np.ndarray:
        """``P[k, j]``: share of a gain on ``k`` that spills to ``j`` (halved per edge, summed over paths)."""
        mat = np.zeros((self.size, self.size))
        for k in range(self.size):
            frontier = {k: 1.0}
            while frontier:
                nxt: dict[int, float] = {}
                for node, w in frontier.items():
                    mat[k, node] += w
                    for succ in self.successors(node):
                        nxt[succ] = nxt.get(succ, 0.0) + w * 0.5
                frontier = nxt
        return mat

    def next_hop(self, accepted: np.ndarray) -> np.ndarray:
        """``H[src, dst]``: first move on a shortest accepted-move route (``dst`` if adjacent)."""
        n = self.size
        hop = np.tile(np.arange(n), (n, 1))
        for src in range(n):
            first = {src: src}
            queue = deque([src])
            while queue:
                cur = queue.popleft()
                for nb in np.flatnonzero(accepted[cur]):
                    if int(nb) not in first:
                        first[int(nb)] = int(nb) if cur == src else first[cur]
                        queue.append(int(nb))
            for dst, f in first.items():
                hop[src, dst] = f
        return hop


def kss_graph() -> SkillGraph:
    """The KSS graph: concepts ``"0"``..``"9"`` with the published edges."""
    return SkillGraph(nodes=tuple(str(i) for i in range(10)), edges=KSS_EDGES)


def graph_from_names(nodes: Sequence[str], prereqs: Iterable[tuple[str, str]]) -> SkillGraph:
    """Build a graph from skill names and ``(prerequisite, skill)`` name pairs."""
    pos = {name: i for i, name in enumerate(nodes)}
    return SkillGraph(nodes=tuple(nodes), edges=tuple((pos[a], pos[b]) for a, b in prereqs))
