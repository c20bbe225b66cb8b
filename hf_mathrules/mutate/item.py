"""What one item of the mutation engine gives: its row, or the gate (or ``difficulty`` / ``start``) that
stopped it, with the chain's log.  Its own module so that the engine and the families it hands items to
(``expressions.make_item``) both import it from below."""

from __future__ import annotations

from dataclasses import dataclass
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
