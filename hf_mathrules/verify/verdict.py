"""The result type: verdicts, never exceptions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

REASONS = ("equivalent", "not_equivalent", "wrong_form", "parse_error", "timeout", "too_large", "unsupported")
# what a verdict means for a scored answer (evaluation reports and rewards share this one mapping)
OUTCOMES = ("correct", "wrong_form", "wrong_answer", "unparsable", "undecided")


@dataclass(frozen=True)
class Verdict:
    """``equivalent`` is True, False, or None when undecided (parse error, timeout, too large, ...)."""

    equivalent: bool | None
    reason: str
    detail: str = ""
    kind: str = ""  # the kind compared (detected or forced)
    form: str | None = None  # the form checked, if any
    gold: str = ""  # the extracted reference answer
    pred: str = ""  # the extracted predicted answer
    path: str = ""  # fast (in the caller, no SymPy) | worker (SymPy under the hard timeout)
    seconds: float = field(default=0.0, compare=False)

    @property
    def correct(self) -> bool:
        return self.equivalent is True

    @property
    def outcome(self) -> str:
        """One of ``OUTCOMES``: right, right value in the wrong form, wrong, unreadable, or undecided."""
        if self.equivalent is True:
            return "correct"
        if self.reason == "wrong_form":
            return "wrong_form"
        if self.equivalent is False:
            return "wrong_answer"
        return "unparsable" if self.reason == "parse_error" else "undecided"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Verdict:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def refusal(reason: str, detail: str, **kw) -> Verdict:
    return Verdict(None, reason, detail, **kw)
