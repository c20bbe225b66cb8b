"""Safe answer checker: is a predicted answer equivalent to the reference, and in the target form?

Untrusted text is parsed by our own tokenizer and recursive-descent parser into a whitelisted tree
(never ``eval``/``sympify``/``parse_expr``), bounded by ``Limits``; rational expressions are decided
exactly in the caller's process, and everything that needs SymPy runs in a warm pool of worker processes
with a hard kill on timeout and a memory cap.

    >>> from hf_mathrules.verify import verify
    >>> verify("x = -2", "2x + 4 = 0").equivalent
    True
"""

from .api import DEFAULT_TIMEOUT, StepsResult, verify, verify_batch, verify_steps
from .extract import extract_answer
from .forms import FORMS
from .kinds import KINDS
from .limits import Limits, ParseError, TooLarge, Unsupported, VerifyError
from .pool import PoolConfig, WorkerPool, get_pool, set_pool
from .verdict import REASONS, Verdict

__all__ = [
    "DEFAULT_TIMEOUT",
    "FORMS",
    "KINDS",
    "REASONS",
    "Limits",
    "ParseError",
    "PoolConfig",
    "StepsResult",
    "TooLarge",
    "Unsupported",
    "Verdict",
    "VerifyError",
    "WorkerPool",
    "extract_answer",
    "get_pool",
    "set_pool",
    "verify",
    "verify_batch",
    "verify_steps",
]
