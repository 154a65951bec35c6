"""The center hierarchy, and a scope: the centers (and department) someone may see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class CenterTree:
    """The configured centers: code -> parent code (empty for the top), and their names."""

    parents: Mapping[str, str]
    names: Mapping[str, str]

    def below(self, center: str) -> frozenset[str]:
        """Every center under `center`, at any depth (not `center` itself)."""
        children: dict[str, list[str]] = {}
        for code, parent in self.parents.items():
            children.setdefault(parent, []).append(code)
        found: set[str] = set()
        todo = list(children.get(center, []))
        while todo:
            code = todo.pop()
            if code not in found:
                found.add(code)
                todo.extend(children.get(code, []))
        return frozenset(found)

    def with_children(self, center: str) -> frozenset[str]:
        """`center` and every center under it."""
        return self.below(center) | {center}

    def name(self, center: str) -> str:
        """The center's name, or its code when none is configured."""
        return self.names.get(center) or center


@dataclass(frozen=True)
class Scope:
    """The centers a principal may see and, for department staff, the one department."""

    centers: frozenset[str]
    department: str | None = None

    def allows(self, center: str | None, department: str | None) -> bool:
        """Whether something of this center and department is visible."""
        if center not in self.centers:
            return False
        return self.department is None or self.department == department

    def narrowed(self, center: str | None, department: str | None, tree: CenterTree) -> Scope:
        """The scope limited to a requested center (with its children) and department."""
        centers = self.centers if center is None else self.centers & tree.with_children(center)
        if department is None or self.department not in (None, department):
            return Scope(centers, self.department)
        return Scope(centers, department)
