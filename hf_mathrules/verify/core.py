"""The checking pipeline: extract, parse (bounded), decide fast without SymPy when possible, else with
SymPy.  ``decide_request`` is what a worker process runs; it never raises."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from fractions import Fraction

from .conventions import percent_of
from .extract import boxed_answers, extract_answer, final_spans
from .fastpath import NotFast, rf_equal, rf_value, to_rf
from .forms import FORM_ALIASES, FORMS, TREE_FORMS, check_form
from .kinds import EXPR_TAGS as _EXPR_TAGS
from .kinds import KINDS, detect_kind, is_assignment
from .lexer import stated_units
from .limits import Limits, ParseError, Unsupported, VerifyError
from .parser import parse, splittable, symbols_of
from .verdict import Verdict, refusal
from .views import as_system, decimal_places, is_decimal_literal, last_value, text_key


@dataclass(frozen=True)
class Settings:
    """How one pair is checked."""

    kind: str = field(default="auto", metadata={"help": f"one of {', '.join(KINDS)}"})
    form: str | None = field(default=None, metadata={"help": f"target form: {', '.join(FORMS)}"})
    rel_tol: float = field(default=1e-6, metadata={"help": "relative tolerance for a decimal reference"})
    round_exact_to_gold: bool = field(
        default=True, metadata={"help": "an exact prediction (pi, 1/3) may round to a decimal reference"}
    )
    extract: bool = field(default=True, metadata={"help": "find the answer inside a full completion"})
    limits: Limits = field(default_factory=Limits)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Settings:
        d = dict(d)
        d["limits"] = Limits.from_dict(d.get("limits"))
        return cls(**d)

    def validate(self) -> None:
        if self.kind not in KINDS and self.kind != "number":
            raise Unsupported(f"unknown kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if self.form is not None and self.form not in FORMS:
            raise Unsupported(f"unknown form {self.form!r}; expected one of {', '.join(FORMS)}")


@dataclass
class Prepared:
    """A pair after extraction and parsing: what the worker receives (parsed once, in the caller)."""

    gold_text: str
    pred_text: str
    gold: tuple
    pred: tuple
    kind: str
    percent: str | None = None  # "gold" / "pred": that side ended in a percent sign and the other not

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Prepared:
        """From JSON, where the trees' tuples arrived as lists."""
        trees = _tupled(d["gold"]), _tupled(d["pred"])
        return cls(d["gold_text"], d["pred_text"], *trees, d["kind"], d.get("percent"))

    def percent_reading(self) -> Prepared | None:
        """The pair with the percent side read as a fraction (``35%`` as 0.35), or None.  Graders accept
        both readings of a percent against a reference without one (and the other way round)."""
        if self.percent is None or self.kind not in ("expression", "number"):
            return None
        side = self.gold if self.percent == "gold" else self.pred
        if side[0] not in _EXPR_TAGS:
            return None
        scaled = ("div", side, ("num", "100"))
        if self.percent == "gold":
            return replace(self, gold=scaled, percent=None)
        return replace(self, pred=scaled, percent=None)


def _tupled(x):
    return tuple(_tupled(v) for v in x) if isinstance(x, list) else x


def _squash(s: str) -> str:
    return "".join(s.split()).strip("$")


def _plain_text(s: str) -> str:
    import re

    m = re.search(r"\\(?:text|textbf|mathrm|mbox)\s*\{([^{}]*)\}", s)
    return (m.group(1) if m else s).strip().strip("$").strip()


_DECIMAL_COMMA = re.compile(r"-?\d{1,15},(?:\d{1,2}|\d{4,15})")


# a letter after a number (or a power of one), perhaps in \text{...}: a unit may be stated (linear scan)
_UNIT_HINT = re.compile(
    r"\d\s*(?:\^\s*\{?\s*-?\d+\s*\}?\s*)?(?:\\(?:text|mathrm|mbox|textrm)\s*\{\s*~?\s*)?[A-Za-z]"
)


# values that are not numbers: a name given to one (``\mathbf{v} = (matrix)``, ``S = \{1, 2\}``) adds nothing
_OBJECT_TAGS = frozenset({"matrix", "set", "interval", "union", "setminus"})


_EMPTY_WORDS = frozenset(
    "none|no solution|no solutions|no real solution|no real solutions|no roots|no real roots|empty set|"
    "the empty set|no such number|no such x".split("|")
)


def _says_empty(text: str) -> bool:
    """``no solution``, ``\\text{None}``: an empty solution set stated in words."""
    if len(text) > 40:
        return False
    return " ".join(_plain_text(text).lower().rstrip(".").split()) in _EMPTY_WORDS


def _named_value(tree, other):
    """``A = value`` as ``value`` when the other side states a value of the same family without a name."""
    if (
        tree[0] == "rel"
        and tree[1] == ("=",)
        and tree[2][0][0] == "sym"
        and tree[2][1][0] in _OBJECT_TAGS
        and other[0] in _OBJECT_TAGS
    ):
        return tree[2][1]
    return tree


def _items(tree) -> int:
    return len(tree[2]) if tree[0] == "seq" else 1


def _parts_from_boxes(pred: str, have: int, g_tree, limits: Limits):
    """The reference lists several answers: a completion that boxed them one by one with a connective
    between the boxes ("(3, 3) for part (a) and (1, 1)"), or wrote them as a run of math spans ("$x = 1$
    and $x = 2$"), answers with all of them.  None otherwise."""
    boxes = boxed_answers(pred)
    if len(boxes) <= have:
        boxes = final_spans(pred) if not boxes else []
    if len(boxes) <= have:
        return None
    text = ", ".join(boxes)
    try:
        return text, parse(text, limits, symbols=symbols_of(g_tree))
    except VerifyError:
        return None


_WRAPPER = re.compile(r"^\\(?:text|textbf|textit|textrm|mathrm|mathbf|mbox|boxed)\s*\{(.*)\}$", re.S)


def answer_word(text: str) -> tuple[str, bool] | None:
    """A one-word answer (``Sunday``, ``\\text{(B)}``, ``yes.``) and whether it was wrapped in text or
    parentheses (a choice letter, not a variable); None for anything else."""
    s, wrapped = text.strip().strip("$").strip().rstrip("."), False
    for _ in range(4):
        m = _WRAPPER.match(s) or (re.match(r"^\((.*)\)$", s) if len(s) > 2 else None)
        if not m:
            break
        s, wrapped = m.group(1).strip(), True
    return (s, wrapped) if s.isascii() and s.isalpha() else None


def _same_word(g_text: str, p_text: str) -> bool:
    """Word answers compare case-insensitively; a bare single letter is a variable (``x`` is not ``X``)
    unless one side wraps it in text or parentheses (a choice: ``\\text{(B)}`` = ``b``)."""
    g, p = answer_word(g_text), answer_word(p_text)
    if g is None or p is None:
        return False
    if len(g[0]) == 1 and not (g[1] or p[1]):
        return g[0] == p[0]
    return g[0].lower() == p[0].lower()


def _letter_runs(symbols: frozenset[str]) -> list[str]:
    """Names that may be one-letter variables written together: short lowercase runs (``mn``), and any
    lowercase run whose letters all are variables elsewhere (``mu`` beside ``m`` and ``u``, ``nu`` beside
    ``nux``)."""
    pool = {c for n in symbols if len(n) == 1 or splittable(n) for c in n}
    return [
        n
        for n in symbols
        if len(n) > 1 and (splittable(n) or n.isascii() and n.isalpha() and n.islower() and set(n) <= pool)
    ]


def _letters_named(symbols: frozenset[str], runs: list[str]) -> bool:
    """A juxtaposed name (``dv``, ``uv``) with a letter that is also a variable on its own (``v``) or in
    another juxtaposed name (``mv``): the run is a product of one-letter variables."""
    seen: dict[str, int] = {}
    for n in runs:
        for c in set(n):
            seen[c] = seen.get(c, 0) + 1
    return any(c in symbols or seen[c] > 1 for n in runs for c in n)


def prepare(gold: str, pred: str, s: Settings) -> Prepared:
    s.validate()
    if not isinstance(gold, str) or not isinstance(pred, str):
        raise Unsupported("gold and pred must be strings")
    g_text = extract_answer(gold, s.limits, reference=True) if s.extract else gold
    p_text = extract_answer(pred, s.limits) if s.extract else pred
    if not _squash(g_text) or not _squash(p_text):  # nothing stated is never "the same answer"
        raise ParseError(f"empty {'reference' if not _squash(g_text) else 'prediction'}")
    if s.form is None and _squash(g_text) == _squash(p_text) and len(g_text) <= s.limits.max_length:
        return Prepared(g_text, p_text, ("text", g_text), ("text", p_text), "identical")
    if _same_word(g_text, p_text):  # Yes / yes, Sunday / \text{Sunday}: a word, not a variable
        words = ("text", answer_word(g_text)[0]), ("text", answer_word(p_text)[0])
        return Prepared(g_text, p_text, *words, "text")
    if _UNIT_HINT.search(g_text) and _UNIT_HINT.search(p_text):
        g_units, p_units = stated_units(g_text, s.limits), stated_units(p_text, s.limits)
        if g_units and p_units and g_units != p_units:  # 12 cm against 12 m: units are never converted
            return Prepared(g_text, p_text, ("text", " ".join(g_units)), ("text", " ".join(p_units)), "units")
    g_empty, p_empty = _says_empty(g_text), _says_empty(p_text)
    g_src = "\\emptyset" if g_empty and not p_empty else g_text
    g_units: list[str] = []
    g_tree = parse(g_src, s.limits, dropped=g_units)
    if p_empty and not g_empty:
        p_text = "\\emptyset"  # "no solution" against \emptyset: the empty set in words
    if g_tree[0] != "seq" and _DECIMAL_COMMA.fullmatch(p_text.strip()):
        p_text = p_text.strip().replace(",", ".")  # 1,5 against one number: a decimal comma, not a list
    if g_tree[0] == "text":  # a word answer: compare normalised text, whatever the prediction parses to
        return Prepared(g_text, p_text, g_tree, ("text", _plain_text(p_text)), "text")
    p_tree = parse(p_text, s.limits, symbols=symbols_of(g_tree))
    g_ctx: frozenset[str] = frozenset()
    if g_units:
        p_letters = frozenset("".join(symbols_of(p_tree)))
        if any(set(w) <= p_letters for w in g_units):
            # 6km^2 against 6k m^2: the prediction's variables say the reference's km is k*m, not a unit
            g_ctx = p_letters
            g_tree = parse(g_src, s.limits, context=g_ctx)
            p_tree = parse(p_text, s.limits, symbols=symbols_of(g_tree))
    g_syms, p_syms = symbols_of(g_tree), symbols_of(p_tree)
    both = g_syms | p_syms
    runs = _letter_runs(both) if g_syms and p_syms else []
    if runs and (g_syms != p_syms or _letters_named(both, runs)):
        # 6xy against 6yx, mn - m against m(n - 1): the other side shows the letters are variables;
        # dv^3 + d^3v, 7mu + 4hm on both sides: d, v, m, u are variables on their own, so dv and mu are
        # products too
        letters = frozenset(c for n in both if len(n) == 1 or splittable(n) for c in n)
        g_tree = parse(g_src, s.limits, split=True, context=g_ctx | letters)
        p_tree = parse(p_text, s.limits, symbols=symbols_of(g_tree), split=True)
    if s.extract and g_tree[0] == "seq" and _items(p_tree) < len(g_tree[2]):
        p_text, p_tree = _parts_from_boxes(pred, _items(p_tree), g_tree, s.limits) or (p_text, p_tree)
    g_tree, p_tree = as_system(g_tree), as_system(p_tree)
    g_tree, p_tree = _named_value(g_tree, p_tree), _named_value(p_tree, g_tree)
    kind = detect_kind(g_tree) if s.kind == "auto" else s.kind
    g_pct, p_pct = percent_of(g_text), percent_of(p_text)
    percent = None if g_pct == p_pct else "gold" if g_pct else "pred"
    return Prepared(g_text, p_text, g_tree, p_tree, kind, percent)


def _verdict(prep: Prepared, s: Settings, equivalent, reason, detail="", path="") -> Verdict:
    return Verdict(equivalent, reason, detail, prep.kind, s.form, prep.gold_text, prep.pred_text, path)


def _scalar_pair(prep: Prepared):
    g, p = prep.gold, prep.pred
    if prep.kind in ("expression", "number"):
        if is_assignment(g) and is_assignment(p) and g[2][0] != p[2][0]:
            return None
        pt = last_value(p) if p[0] == "rel" and all(op == "=" for op in p[1]) else p
        return last_value(g), pt
    if prep.kind == "equation" and is_assignment(g):
        if is_assignment(p) and p[2][0] == g[2][0]:
            return g[2][1], p[2][1]
        if p[0] in _EXPR_TAGS:
            return g[2][1], p
    return None


def fast_decide(prep: Prepared, s: Settings) -> Verdict | None:
    """Exact decision without SymPy for rational expressions; None when SymPy is needed."""
    v = _fast_decide(prep, s)
    alt = prep.percent_reading()
    if v is None or v.equivalent is True or alt is None or v.reason != "not_equivalent":
        return v
    v2 = _fast_decide(alt, s)
    return None if v2 is None else v2 if v2.equivalent is True else v


def _fast_decide(prep: Prepared, s: Settings) -> Verdict | None:
    if prep.kind == "identical":
        return _verdict(prep, s, True, "equivalent", "identical text", "fast")
    if prep.kind == "units":
        return _verdict(prep, s, False, "not_equivalent", "different units", "fast")
    if prep.kind == "text":
        same = text_key(prep.gold) == text_key(prep.pred)
        return _verdict(prep, s, same, "equivalent" if same else "not_equivalent", "text", "fast")
    pair = _scalar_pair(prep)
    if pair is None or pair[1][0] not in _EXPR_TAGS or pair[0][0] not in _EXPR_TAGS:
        return None
    gt, pt = pair
    try:
        grf, prf = to_rf(gt, s.limits), to_rf(pt, s.limits)
        if is_decimal_literal(gt):
            gv, pv = Fraction(rf_value(grf)), rf_value(prf)
            if pv is None:
                return None
            ok = abs(pv - gv) <= Fraction(s.rel_tol) * abs(gv)
            if not ok and s.round_exact_to_gold and not is_decimal_literal(pt):
                ok = abs(pv - gv) <= Fraction(1, 2) * Fraction(10) ** (-decimal_places(gt))
        else:
            ok = rf_equal(grf, prf, s.limits)
        if not ok:
            return _verdict(prep, s, False, "not_equivalent", "differs (exact rational arithmetic)", "fast")
        if s.form:
            form = FORM_ALIASES.get(s.form, s.form)
            if form in TREE_FORMS:
                fok, why = check_form(prep.gold, prep.pred, form)
            elif form == "ordered":
                g_terms = list(gt[1]) if gt[0] == "add" else [gt]
                p_terms = list(pt[1]) if pt[0] == "add" else [pt]
                fok = len(g_terms) == len(p_terms) and all(
                    rf_equal(to_rf(a, s.limits), to_rf(b, s.limits), s.limits)
                    for a, b in zip(g_terms, p_terms)
                )
                why = "" if fok else "terms are not in the reference's order"
            else:
                return None
            if not fok:
                return _verdict(prep, s, False, "wrong_form", why, "fast")
        return _verdict(prep, s, True, "equivalent", "exact rational arithmetic", "fast")
    except NotFast:
        return None


def full_decide(prep: Prepared, s: Settings) -> Verdict:
    """The SymPy comparison; call only under a hard timeout (in a worker)."""
    v = _full_decide(prep, s)
    alt = prep.percent_reading()
    if v.equivalent is True or alt is None or v.reason != "not_equivalent":
        return v
    v2 = _fast_decide(alt, s) or _full_decide(alt, s)
    return v2 if v2.equivalent is True else v


def _full_decide(prep: Prepared, s: Settings) -> Verdict:
    from .compare import Comparer, Options
    from .forms import check_form_sympy

    comparer = Comparer(
        Options(rel_tol=s.rel_tol, round_exact_to_gold=s.round_exact_to_gold, limits=s.limits)
    )
    ok, detail = comparer.compare(prep.gold, prep.pred, prep.kind)
    if not ok:
        return _verdict(prep, s, False, "not_equivalent", detail, "worker")
    if s.form:
        form = FORM_ALIASES.get(s.form, s.form)
        if form in TREE_FORMS:
            fok, why = check_form(prep.gold, prep.pred, form)
        else:
            fok, why = check_form_sympy(form, prep.gold, prep.pred, comparer)
        if not fok:
            return _verdict(prep, s, False, "wrong_form", why, "worker")
    return _verdict(prep, s, True, "equivalent", detail, "worker")


def decide_request(req: dict) -> dict:
    """Worker entry: a request dict in, a verdict dict out; never raises."""
    try:
        s = Settings.from_dict(req.get("settings") or {})
        if "prepared" in req:
            prep = Prepared.from_dict(req["prepared"])
        else:  # text in: parse here (the warm-up call, and callers of the worker protocol by hand)
            prep = prepare(req.get("gold"), req.get("pred"), s)
        v = _fast_decide(prep, s) or full_decide(prep, s)
    except VerifyError as exc:
        v = refusal(exc.reason, str(exc), path="worker")
    except (MemoryError, RecursionError, OverflowError) as exc:
        v = refusal("too_large", f"{type(exc).__name__} while comparing", path="worker")
    except Exception as exc:  # SymPy raises many types on odd input: an undecided verdict, not a crash
        v = refusal("unsupported", f"{type(exc).__name__}: {str(exc)[:200]}", path="worker")
    return v.to_dict()
