"""What one item of the mutation engine gives: its row, or the gate (or ``difficulty`` / ``start``) that
stopped it, with the chain's log.  Its own module so that the engine and the families it hands items to
(``expressions.make_item``) both import it from below."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .mcmc import ChainLog
from .program import Program


@dataclass
class Item:
    row: dict[str, Any] | None
    rejected: str | None  # gate name, or "difficulty" / "start"
    reason: str
    log: ChainLog
    start: Program | None = None
    final: Program | None = None
    text: str = ""
    # ``variants_per_chain`` > 1: the rows of the final program with its givens redrawn (each an Item
    # with its own program and text; only those that passed every gate)
    variants: list[Item] = field(default_factory=list)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Every row of this item: the chain's own (when it passed), then its variants'."""
        return ([self.row] if self.row is not None else []) + [v.row for v in self.variants]
