"""SymPy equivalence: an `evaluate` metric that checks math answers with hf_mathrules' safe checker.

Answers are parsed by a whitelisted parser (never eval/sympify on the text), compared by kind
(expressions, equations, systems, roots, sets, intervals, tuples, matrices, numbers), optionally checked
for a target form, under a hard per-item timeout in worker processes.
"""

from collections import Counter

import datasets
import evaluate

from hf_mathrules.verify import verify_batch
from hf_mathrules.verify.verdict import REASONS

_DESCRIPTION = """
Fraction of predictions equivalent to a reference answer (any of several acceptable references), decided
by a safe symbolic checker: plain, SymPy-style and LaTeX input; equations compared by solution set;
systems and roots in any order; numbers exact unless the reference is a decimal; optional form check
(expanded, factored, solved, simplified, ordered). Undecidable items (parse errors, timeouts, inputs over
the size limits) count as incorrect and are reported per reason.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (list of str): predicted answers or full completions (the answer is extracted).
    references (list of str, or list of list of str): reference answer(s) per prediction (all strings
        or all lists within one call).
    form (str, optional): require this form of the prediction: expanded, factored, solved, simplified,
        ordered (system, roots and rref map to solved).
    kind (str, optional): force the answer kind (expression, equation, system, roots, set, tuple, matrix,
        text); default "auto".
    timeout (float, optional): seconds per item (hard limit), default 5.
    rel_tol (float, optional): relative tolerance used only when the reference is a decimal, default 1e-6.
Returns:
    accuracy (float): share of predictions equivalent to some reference (and in the form, if given).
    counts (dict): number of items per verdict reason.
    verdicts (list of dict): per item: equivalent (True/False/None), reason, detail, kind, ...
Examples:
    >>> metric = evaluate.load("metrics/sympy_equivalence")
    >>> metric.compute(predictions=["2x + 4 = 0"], references=["x = -2"])["accuracy"]
    1.0
"""

_CITATION = """
@software{hf_mathrules,
  title = {hf-mathrules: synthetic math-rule data and a safe answer checker},
  year = {2026}
}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class SympyEquivalence(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=[
                datasets.Features(
                    {"predictions": datasets.Value("string"), "references": datasets.Value("string")}
                ),
                datasets.Features(
                    {
                        "predictions": datasets.Value("string"),
                        "references": datasets.Sequence(datasets.Value("string")),
                    }
                ),
            ],
            reference_urls=["https://github.com/huggingface/Math-Verify"],
        )

    def _compute(self, predictions, references, form=None, kind="auto", timeout=5.0, rel_tol=1e-6):
        refs = [[r] if isinstance(r, str) else list(r) for r in references]
        items, owner = [], []
        for i, (pred, rs) in enumerate(zip(predictions, refs)):
            for r in rs or [""]:
                items.append({"gold": r, "pred": pred})
                owner.append(i)
        flat = verify_batch(items, kind=kind, form=form, timeout=timeout, rel_tol=rel_tol)
        best = [None] * len(predictions)
        for i, v in zip(owner, flat):
            # the first reference that accepts the prediction wins; otherwise keep the first verdict
            if best[i] is None or (best[i].equivalent is not True and v.equivalent is True):
                best[i] = v
        counts = Counter(v.reason for v in best)
        n = len(best)
        return {
            "accuracy": sum(v.equivalent is True for v in best) / n if n else 0.0,
            "counts": {r: counts.get(r, 0) for r in REASONS},
            "verdicts": [v.to_dict() for v in best],
        }
