"""Limits on untrusted input and the errors that report a refusal.

Every limit is checked before the work it bounds is done, so a refused input costs microseconds: the
parser counts characters, nesting and symbols; the tree builders bound exponents and integer sizes before
any power is computed (a tower like ``9^9^9^9`` is refused, never evaluated).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


class VerifyError(Exception):
    """Base of the refusals; ``reason`` is the Verdict reason it maps to."""

    reason = "parse_error"


class ParseError(VerifyError):
    reason = "parse_error"


class TooLarge(VerifyError):
    reason = "too_large"


class Unsupported(VerifyError):
    reason = "unsupported"


@dataclass(frozen=True)
class Limits:
    """Bounds applied to every gold and predicted answer."""

    max_length: int = field(default=10_000, metadata={"help": "characters of one answer after extraction"})
    max_completion_length: int = field(
        default=1_000_000, metadata={"help": "characters of a full completion searched for an answer"}
    )
    max_depth: int = field(default=64, metadata={"help": "nesting depth of brackets and operators"})
    max_exponent: int = field(
        default=1_000, metadata={"help": "largest |integer exponent| on a symbolic base; also bounds degree"}
    )
    max_digits: int = field(default=2_000, metadata={"help": "digits of any integer, literal or computed"})
    max_symbols: int = field(default=32, metadata={"help": "distinct variable names in one answer"})
    max_nodes: int = field(default=20_000, metadata={"help": "nodes of the parsed tree"})
    max_items: int = field(default=200, metadata={"help": "elements of a set, tuple, matrix or list"})

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict | None) -> Limits:
        return cls(**(d or {}))


DEFAULT_LIMITS = Limits()
