"""Reading the parser's trees of tuples (no parsing here, so the parser's mixins can use it too)."""

from __future__ import annotations


def walk(tree):
    """Every node of a tree (children lists are flattened)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, tuple) or not node:
            continue
        if isinstance(node[0], str):
            yield node
            stack.extend(x for x in node[1:] if isinstance(x, tuple))
        else:
            stack.extend(node)
