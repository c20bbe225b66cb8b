"""Step-by-step checking of a whole completion: read a typed problem for a rule with the checker's own
parser, build the prompt the model was trained on, and mark every step of a completion right or wrong
(the Space's checker; ``verify_steps`` in ``api.py`` checks a bare chain of steps).

What is specific to a rule comes from the rule itself, passed in as ``rule`` (a
``hf_mathrules.rules.Rule`` class or anything with the same attributes): ``name``, ``kind``,
``step_kind``, ``target_form``, ``instruction`` (a template with ``{var}`` / ``{vars}``; None for
prose), ``typed_example``, ``word_problem`` and ``read_header`` (the unknowns a header line names, such
as a matrix's columns).  The lines of a completion are read with the row text module
(``hf_mathrules.prompting``), the same reader scoring uses.

Every piece of user or model text reaches only this package (the whitelisted parser, then SymPy on the
parsed tree in a sandboxed worker), never ``eval``, ``sympify`` or ``parse_expr``.

What a step is, per step kind:
- ``expression`` (distributivity, factorization, commutativity, simplification): each ``= ...`` line; it
  is right when it equals the problem's value.
- ``equation`` (isolate_variable, word_resistors): each line with one ``=``, a leading label (``...:``)
  dropped; right when its solution set is the problem's.
- ``roots`` (quadratic, word_quadratic): equations and ``x = a or x = b`` lists; right when the roots are
  the problem's (``d - 2 = 0 or d - 5 = 0`` is read as ``(d - 2)(d - 5) = 0``).
- ``system`` (linear_system, word_fruit_baskets): each equation or list of equations (a chain
  ``k = -2*2 = -4`` is two); right when the problem implies it (adding it to the problem leaves the
  solutions unchanged).
- ``matrix`` (gaussian_elimination): each printed augmented matrix, read as a system with the unknowns of
  the rule's header line (``read_header``), else of the prompt; right when it is row-equivalent to the
  problem (same solutions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..prompting import read_answer, read_step, write_prompt
from .api import verify
from .kinds import detect_kind
from .limits import Limits, VerifyError
from .parser import parse, symbols_of

STEP_KINDS = ("expression", "equation", "roots", "system", "matrix")
MAX_PROBLEM_CHARS = 600  # longest typed problem; the models were trained on prompts far shorter
_MATRIX_ROW = re.compile(r"^\s*\[(?P<body>[^\[\]]*)\]\s*$")
# a row operation's target rows (``R2 <- R2 - 3*R1``, ``swap R1, R3``) and a row it wrote (``R2 = [...]``)
_ROW_OPERATION = re.compile(r"^\s*(?:R(?P<target>\d+)\s*<-|swap\s+R(?P<a>\d+)\s*,\s*R(?P<b>\d+)\s*$)")
_NAMED_ROW = re.compile(r"^\s*R(?P<k>\d+)\s*=\s*\[(?P<body>[^\[\]]*)\]\s*$")
_CONNECTIVES = ("so ", "then ", "thus ", "hence ", "therefore ")


class ProblemError(ValueError):
    """A typed problem the checker cannot use; the message is for the user."""


@dataclass
class Typed:
    """A typed problem, read: the prompt for the model and the checker's machine text (None for prose)."""

    rule: str
    prompt: str
    problem: str | None
    variables: list[str] = field(default_factory=list)


@dataclass
class Line:
    """One line of a completion: its text, whether it is a step, the step's verdict (True/False/None)."""

    text: str
    kind: str  # "step", "answer", "text"
    ok: bool | None = None
    note: str = ""


@dataclass
class Checked:
    """A whole completion, checked: its lines, the answer's verdict, the first wrong step (index in
    ``lines``) and a list of human-readable notes."""

    lines: list[Line]
    answer_ok: bool | None
    answer_note: str
    first_bad: int | None
    n_steps: int
    notes: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        return self.answer_ok is True and self.first_bad is None and self.n_steps > 0


# -- reading a typed problem ---------------------------------------------------------------------------


def _parse(text: str):
    try:
        return parse(text, Limits())
    except VerifyError as exc:
        raise ProblemError(str(exc)) from None


def _clean(text: str) -> str:
    return "\n".join(ln.strip() for ln in text.replace("\r", "").split("\n") if ln.strip())


def read_typed(rule: Any, text: str) -> Typed:
    """The prompt and machine text of a problem typed for ``rule`` (a rule class): either the math alone
    (the rule's instruction is added) or an instruction line ending in ``:`` followed by the math.  A
    problem the checker cannot read, or that does not fit the rule, raises ``ProblemError`` before any
    model runs."""
    name, example = rule.name, rule.typed_example
    text = _clean(text or "")
    if not text:
        raise ProblemError(
            "the problem is empty: type one (the placeholder shows the format) or press New problem"
        )
    if len(text) > MAX_PROBLEM_CHARS:
        raise ProblemError(
            f"the problem is {len(text):,} characters long; the limit is {MAX_PROBLEM_CHARS:,} "
            "(nothing was cut: shorten it and try again)"
        )
    if rule.word_problem:
        return Typed(name, text, None)
    lines = text.split("\n")
    instruction = lines[0] if len(lines) > 1 and lines[0].endswith(":") else None
    math = lines[1:] if instruction else lines
    if len(math) == 1 and ";" in math[0]:
        math = [p.strip() for p in math[0].split(";") if p.strip()]
    kind = rule.step_kind
    trees = []
    for i, ln in enumerate(math, 1):
        try:
            trees.append(_parse(ln))
        except ProblemError as exc:
            where = f"line {i} " if len(math) > 1 else ""
            raise ProblemError(f"the checker cannot read {where}`{ln[:80]}`: {exc}") from None
    kinds = [detect_kind(t) for t in trees]
    names = sorted(set().union(*(symbols_of(t) for t in trees)))
    if kind == "expression":
        if len(trees) != 1 or kinds[0] != "expression":
            raise ProblemError(f"{name} takes one expression (no `=`), e.g. `{example}`")
    elif kind in ("equation", "roots"):
        if len(trees) != 1 or kinds[0] != "equation":
            raise ProblemError(f"{name} takes one equation, e.g. `{example}`")
        if len(names) != 1:
            raise ProblemError(
                f"{name} solves for one unknown; the equation has {len(names)} ({', '.join(names) or 'none'})"
            )
    else:  # system, matrix
        if len(trees) < 2 or any(k != "equation" for k in kinds):
            raise ProblemError(
                f"{name} takes two or more equations, one per line (or separated by `;`), e.g. "
                f"`{example.replace(chr(10), '; ')}`"
            )
        if len(names) > len(trees):
            raise ProblemError(
                f"{len(trees)} equations cannot fix {len(names)} unknowns ({', '.join(names)}): "
                "the rule's problems have exactly one solution"
            )
    if instruction is None:
        template = rule.instruction
        if not template:
            raise ProblemError(f"{name} has no default instruction: give the instruction line yourself")
        if "{var}" in template and len(names) != 1:
            raise ProblemError(
                f"{name} orders or solves by one variable; the problem has "
                f"{len(names)} ({', '.join(names) or 'none'}): give the instruction line yourself"
            )
        instruction = template.format(var=names[0] if names else "", vars=", ".join(names))
    machine = "; ".join(math)
    return Typed(name, write_prompt(instruction, "\n".join(math)), machine, names)


# -- reading and checking a completion -----------------------------------------------------------------


def _after_label(text: str) -> str:
    """``Isolate k in equation 2: k = -2u`` -> ``k = -2u``; ``So x = 1`` -> ``x = 1``."""
    if ":" in text:
        text = text.rsplit(":", 1)[1]
    low = text.lower()
    for c in _CONNECTIVES:
        if low.startswith(c):
            text = text[len(c) :]
            break
    return text.strip().rstrip(".")


_PROSE = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")
_TRAILING_NOTE = re.compile(r"\s*\([A-Za-z][A-Za-z ]*\)\s*$")


def _candidate(line: str) -> str | None:
    """The math of a line that states an equation, or None for prose; a line that mixes both
    (``since a width is positive, x = 7``) gives its tail; a trailing ``(a double root)`` is dropped."""
    if line.endswith(":"):
        return None
    body = _TRAILING_NOTE.sub("", _after_label(line))
    if "=" not in body:
        return None
    if _PROSE.search(body):
        body = re.split(r"[;,]\s+", body)[-1]
        if "=" not in body or _PROSE.search(body):
            return None
    return body


def _equations(text: str) -> list[str]:
    """A chain ``a = b = c`` becomes ``a = b``, ``b = c``; lists ``a = 1, b = 2`` stay one item each."""
    out = []
    for part in re.split(r",\s*(?=[A-Za-z]\w*\s*=)|;", text):
        sides = [s.strip() for s in part.split("=")]
        if len(sides) < 2 or not all(sides):
            return []
        out += [f"{sides[i]} = {sides[i + 1]}" for i in range(len(sides) - 1)]
    return out


def _or_as_product(text: str) -> str | None:
    """``d - 2 = 0 or d - 5 = 0`` -> ``(d - 2 - (0))*(d - 5 - (0)) = 0`` (same roots); a list of plain
    values ``d = 2 or d = 5`` is left to the checker's roots reading (None)."""
    parts = [p.strip() for p in re.split(r"\s+or\s+", text)]
    if len(parts) < 2:
        return None
    factors = []
    for p in parts:
        sides = [s.strip() for s in p.split("=")]
        if len(sides) != 2 or not all(sides):
            return None
        factors.append(f"({sides[0]} - ({sides[1]}))")
    return None if _is_values(text) else "*".join(factors) + " = 0"


def _is_values(text: str) -> bool:
    """``x = 2``, ``x = 2 or x = -3``: a name, then a value without letters, per part."""
    parts = re.split(r"\s+or\s+", text.strip())
    return all(re.fullmatch(r"[A-Za-z]\w*\s*=\s*[^=A-Za-z]+", p.strip()) for p in parts)


def _matrix_system(rows: list[str], names: list[str]) -> str | None:
    eqs = []
    for r in rows:
        left, bar, right = r.partition("|")
        coeffs = left.split()
        if not bar or len(coeffs) != len(names) or len(right.split()) != 1:
            return None
        terms = " + ".join(f"({c})*{n}" for c, n in zip(coeffs, names))
        eqs.append(f"{terms} = {right.strip()}")
    return "; ".join(eqs)


def _symbols(text: str, known: frozenset[str] | None = None) -> frozenset[str] | None:
    try:
        trees = [parse(e, Limits(), symbols=known) for e in _equations(text) or [text]]
    except VerifyError:
        return None
    return frozenset().union(*(symbols_of(t) for t in trees))


def _arithmetic(step: str) -> tuple[bool | None, str]:
    """A side computation (``Discriminant: b^2 - 4ac = 1 - 4*(-2) = 9``): only the links of its chain
    between numbers are checked."""
    sides = [s.strip() for s in re.split(r"(?<![<>!])=", step.replace(" or ", ","))]
    pairs = [(a, b) for a, b in zip(sides, sides[1:]) if a and b and not re.search(r"[A-Za-z,]", a + b)]
    if not pairs:
        return None, "side definition"
    for a, b in pairs:
        v = verify(a, b, extract=False)
        if v.equivalent is not True:
            return False, f"{a} is not {b}"
    return True, "arithmetic checked"


def _verdict_step(kind: str, problem: str, step: str) -> tuple[bool | None, str]:
    unknowns = _symbols(problem)
    used = _symbols(step, unknowns)
    if used is None:
        return None, "the checker cannot read this step"
    if kind != "expression" and unknowns is not None and not used <= unknowns:
        return _arithmetic(step)
    if kind == "expression":
        v = verify(problem, step, extract=False)
    elif kind == "equation":
        eqs = _equations(step)
        if len(eqs) != 1:
            return None, "not one equation"
        v = verify(problem, eqs[0], kind="equation", extract=False)
    elif kind == "roots":
        product = _or_as_product(step)
        if product is not None:
            v = verify(problem, product, kind="equation", extract=False)
        elif _is_values(step):
            v = verify(step, problem, kind="roots", extract=False)
            if v.equivalent is False and " or " not in step:  # one root chosen among several
                v = verify(step, f"{problem}; {step}", kind="system", extract=False)
                if v.equivalent:
                    return True, "one of the roots"
        else:
            v = verify(problem, step, kind="equation", extract=False)
    else:  # system: the step must follow from the problem
        eqs = _equations(step)
        if not eqs:
            return None, "not an equation"
        v = verify(problem, problem + "; " + "; ".join(eqs), kind="system", extract=False)
    if v.equivalent is None:
        return None, v.reason.replace("_", " ")
    return v.equivalent, "" if v.equivalent else "does not follow from the problem"


def _prompt_unknowns(rule: Any, prompt: str) -> list[str]:
    """The unknowns a prompt names where the rule's instruction has ``{vars}`` (the order of a matrix's
    columns), else none."""
    pre, sep, post = (rule.instruction or "").partition("{vars}")
    if not sep or not prompt:
        return []
    m = re.search(re.escape(pre) + r"(?P<names>[A-Za-z][\w, ]*?)" + re.escape(post), prompt)
    return [n.strip() for n in m.group("names").split(",")] if m else []


def split_completion(rule: Any, completion: str, prompt: str = "") -> list[tuple[str, str, str | None]]:
    """``(display text, role, step text)`` per line or matrix block; role is step, answer or text."""
    matrix = rule.step_kind == "matrix"
    kind = "system" if matrix else rule.step_kind
    names = _prompt_unknowns(rule, prompt)
    out: list[tuple[str, str, str | None]] = []
    lines = completion.split("\n")
    # with the rows an operation changed written alone (``R2 = [0 3 3 | 3]``, gaussian_elimination's
    # ``changed_rows``), the matrix they stand for is the last whole one with those rows replaced
    current: list[str] = []
    pending: set[int] = set()  # rows the last operation changed that are not written yet
    i = 0
    while i < len(lines):
        ln = lines[i]
        answer = read_answer(ln)
        named = _NAMED_ROW.match(ln) if matrix else None
        if answer is not None:
            out.append((ln, "answer", answer))
        elif matrix and _MATRIX_ROW.match(ln):
            block = []
            while i < len(lines) and _MATRIX_ROW.match(lines[i]):
                block.append(lines[i])
                i += 1
            current = [_MATRIX_ROW.match(b).group("body") for b in block]
            pending = set()
            system = _matrix_system(current, names)
            out.append(("\n".join(block), "step" if system else "text", system))
            continue
        elif named and int(named.group("k")) in pending and int(named.group("k")) <= len(current):
            k = int(named.group("k"))
            pending.discard(k)
            current[k - 1] = named.group("body")
            # a swap writes two rows: the matrix is one to check once both are written
            system = None if pending else _matrix_system(current, names)
            out.append((ln, "step" if system else "text", system))
        elif matrix and "[" in ln:  # a row worked out on the side (``2*R1 = [2 2/3 | -2/3]``): not a system
            out.append((ln, "text", None))
        elif matrix and (op := _ROW_OPERATION.match(ln)):
            pending = {int(g) for g in op.group("target", "a", "b") if g}
            out.append((ln, "text", None))
        else:
            header = rule.read_header(ln)
            if header is not None:  # the unknowns of the matrices below it
                names = header
            stripped = ln.strip()
            if kind == "expression":
                step = read_step(stripped)
            else:
                step = _candidate(stripped)
            out.append((ln, "step" if step else "text", step))
        i += 1
    return out


def check_completion(
    rule: Any, problem: str | None, completion: str, prompt: str = "", reference: str | None = None
) -> Checked:
    """Mark every step and the answer of ``completion`` for ``rule`` (a rule class).  ``problem`` is the
    checker's text of the problem (None for a typed word problem: then the model's first equation stands
    in for it, and a note says so); ``reference`` is the generated problem's answer when there is one."""
    kind = "system" if rule.step_kind == "matrix" else rule.step_kind
    target_form = rule.target_form
    parts = split_completion(rule, completion, prompt)
    notes: list[str] = []
    lines: list[Line] = []
    first_bad = None
    n_steps = 0
    base = problem
    for display, role, step in parts:
        if role == "text" or step is None:
            lines.append(Line(display, "text"))
            continue
        if role == "answer":
            lines.append(Line(display, "answer"))
            continue
        if base is None:  # a typed word problem: the model's first equation is what the rest must follow
            base = "; ".join(_equations(step)) or None
            lines.append(
                Line(display, "step", None, "the model's equation (the checker does not read prose)")
            )
            notes.append(
                "The checker does not read prose: steps and answer are checked against the model's own "
                "first equation, not against your text."
            )
            continue
        ok, note = _verdict_step(kind, base, step)
        if ok is None and note == "side definition":
            lines.append(Line(display, "text", None, note))
            continue
        n_steps += 1
        lines.append(Line(display, "step", ok, note))
        if ok is not True and first_bad is None:
            first_bad = len(lines) - 1
    answer_idx = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].kind == "answer"), None)
    if answer_idx is None:
        return Checked(lines, False, "no `Answer:` line", first_bad, n_steps, notes)
    answer = read_answer(lines[answer_idx].text)
    if reference is not None:
        v = verify(reference, answer, form=target_form, extract=False)
        ok, note = v.equivalent, v.reason
    elif base is None:
        ok, note = None, "no equation to check the answer against"
    elif kind == "expression":
        v = verify(base, answer, form=target_form, extract=False)
        ok, note = v.equivalent, v.reason
    elif kind == "roots":
        form = verify(answer, answer, form="roots", extract=False)
        v = verify(answer, base, kind="roots", extract=False)
        ok = v.equivalent and form.equivalent
        note = "wrong_form" if v.equivalent and not form.equivalent else v.reason
    else:
        v = verify(
            base, answer, kind="system" if kind == "system" else "equation", form="solved", extract=False
        )
        ok, note = v.equivalent, v.reason
    lines[answer_idx].ok = ok
    lines[answer_idx].note = note.replace("_", " ")
    return Checked(lines, ok, note.replace("_", " "), first_bad, n_steps, notes)
