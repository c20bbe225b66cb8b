"""Recursive-descent parser from tokens to a whitelisted tree of tuples.

Nodes (first item is the tag): ``num`` (literal text), ``sym`` (name), ``const`` (pi, E, I, oo),
``add`` (terms, subtraction as ``neg``), ``mul`` (factors), ``div``, ``pow``, ``neg``, ``pm`` (a ± b;
a may be None), ``func`` (name, args), ``fact``, ``rel`` (operators, operands), ``in`` (element, set),
``tuple``, ``bracket`` (``[a, b]``: closed interval or list), ``set``, ``interval`` (lo, hi, left_open,
right_open), ``union``, ``setminus`` (a set less another), ``matrix`` (rows), ``seq`` (separator, items: several answers), ``text``,
``deriv`` (variable, body), ``integral`` (variable, lo, hi, body), ``limit`` (variable, point, side, body).
Only these tags exist; the SymPy builders dispatch on them, so nothing in the input can name a Python
object.
"""

from __future__ import annotations

from .calculus import CalculusMixin
from .latex import FUNCS, GREEK, LatexMixin
from .lexer import Token, check_nesting, normalize, pretokens, tokenize
from .limits import Limits, ParseError, TooLarge, Unsupported
from .tree import walk

RELOPS = {"=": "=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "!=": "!="}
CMD_RELOPS = {
    "le": "<=",
    "leq": "<=",
    "leqslant": "<=",
    "ge": ">=",
    "geq": ">=",
    "geqslant": ">=",
    "lt": "<",
    "gt": ">",
    "ne": "!=",
    "neq": "!=",
    "approx": "=",
    "equiv": "=",
}
MUL_CMDS = frozenset({"cdot", "times", "ast"})


class Parser(LatexMixin, CalculusMixin):
    def __init__(
        self,
        tokens: list[Token],
        limits: Limits,
        symbols: frozenset[str] | None,
        latex: bool,
        split: bool = False,
        context: frozenset[str] = frozenset(),
    ):
        self.split = split  # read juxtaposed letters as a product even in plain text (xy = x*y)
        self.context = context  # letters the other side uses as variables
        self.toks = tokens
        self.pos = 0
        self.limits = limits
        self.symbols = symbols
        self.latex = latex
        self.depth = 0
        self.nodes = 0
        self.abs_depth = 0
        self.names: set[str] = set()
        self.bound: list[str] = []  # index variables of enclosing \sum / \prod
        self.letters: frozenset[str] | None = None  # letters of the answer's variables (product_run)
        self.split_words: dict[int, int] = {}  # id of a node made by splitting a word -> position after it

    # -- helpers --------------------------------------------------------------------------------
    def peek(self, k: int = 0) -> Token:
        return self.toks[min(self.pos + k, len(self.toks) - 1)]

    def next(self) -> Token:
        t = self.toks[self.pos]
        self.pos += 1
        return t

    def at(self, kind: str, text: str | None = None) -> bool:
        t = self.peek()
        return t.kind == kind and (text is None or t.text == text)

    def expect(self, kind: str, text: str) -> None:
        t = self.next()
        if t.kind != kind or t.text != text:
            raise ParseError(f"expected {text!r}, found {t.text or 'end of input'!r}")

    def node(self, *items) -> tuple:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise TooLarge(f"more than {self.limits.max_nodes} nodes")
        return items

    def enter(self) -> None:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise TooLarge(f"nesting deeper than {self.limits.max_depth}")

    def sym(self, name: str) -> tuple:
        self.names.add(name)
        if len(self.names) > self.limits.max_symbols:
            raise TooLarge(f"more than {self.limits.max_symbols} distinct symbols")
        return self.node("sym", name)

    # -- grammar --------------------------------------------------------------------------------
    def parse_answer(self) -> tuple:
        items = [self.parse_relation()]
        seps = set()
        groups = [0]  # item indices where a ";"-separated group starts
        while True:
            t = self.peek()
            if t.kind == "OP" and t.text in (",", ";"):
                seps.add(t.text)
                if t.text == ";":
                    groups.append(len(items))
            elif t.kind == "SEP":
                seps.add(t.text)
            else:
                break
            self.next()
            while self.at("SEP") or self.at("OP", ","):
                self.next()
            if self.at("EOF"):
                break
            items.append(self.parse_relation())
            if len(items) > self.limits.max_items:
                raise TooLarge(f"more than {self.limits.max_items} items")
        if not self.at("EOF"):
            raise ParseError(f"unexpected {self.peek().text!r}")
        if len(items) == 1:
            return items[0]
        if ";" in seps and "," in seps and len(groups) > 1:
            # "p=5, q=2; p=7, q=2": ";" separates solutions, "," the parts of one
            bounds = [*groups, len(items)]
            parts = [items[a:b] for a, b in zip(bounds, bounds[1:])]
            parts = [p[0] if len(p) == 1 else self.node("seq", ",", tuple(p)) for p in parts]
            return self.node("seq", ";", tuple(parts))
        sep = ";" if ";" in seps else "or" if "or" in seps else "and" if "and" in seps else ","
        return self.node("seq", sep, tuple(items))

    def parse_relation(self) -> tuple:
        first = self.parse_union()
        ops, operands = [], [first]
        while True:
            t = self.peek()
            if t.kind == "OP" and t.text in RELOPS:
                ops.append(RELOPS[t.text])
            elif t.kind == "CMD" and t.text == "approx" and ops:
                self.next()
                self.parse_union()  # "= 1/3 \\approx 0.33": the approximation is commentary
                continue
            elif t.kind == "CMD" and t.text in CMD_RELOPS:
                ops.append(CMD_RELOPS[t.text])
            elif t.kind == "CMD" and t.text == "in":
                self.next()
                return self.node("in", first, self.parse_union())
            else:
                break
            self.next()
            operands.append(self.parse_union())
        if not ops:
            return first
        return self.node("rel", tuple(ops), tuple(operands))

    def parse_union(self) -> tuple:
        first = self.parse_expr()
        parts = [first]
        while self.at("CMD", "cup") or self.at("OP", "U") or (self.at("NAME", "U")):
            self.next()
            parts.append(self.parse_expr())
        node = first if len(parts) == 1 else self.node("union", tuple(parts))
        while self.at("CMD", "setminus") or self.at("CMD", "backslash"):
            self.next()  # \mathbb{R} \setminus \{2\}: a difference of sets
            node = self.node("setminus", node, self.parse_expr())
        return node

    def parse_expr(self) -> tuple:
        self.enter()
        terms: list[tuple] = []
        deltas: list[tuple] = []
        sign = "+"
        t = self.peek()
        if t.kind == "OP" and t.text in "+-" or t.kind == "CMD" and t.text in ("pm", "mp"):
            self.next()
            sign = "pm" if t.kind == "CMD" else t.text
        while True:
            term = self.parse_term()
            if sign == "pm":
                deltas.append(term)
            else:
                terms.append(term if sign == "+" else self.node("neg", term))
            t = self.peek()
            if t.kind == "OP" and t.text in "+-":
                sign = t.text
            elif t.kind == "CMD" and t.text in ("pm", "mp"):
                sign = "pm"
            else:
                break
            self.next()
        self.depth -= 1
        base = None if not terms else terms[0] if len(terms) == 1 else self.node("add", tuple(terms))
        if deltas:
            delta = deltas[0] if len(deltas) == 1 else self.node("add", tuple(deltas))
            return self.node("pm", base, delta)
        return base

    def starts_atom(self) -> bool:
        t = self.peek()
        if t.kind in ("NUM", "NAME", "BEGIN"):
            return True
        if t.kind == "OP":
            return (
                t.text in ("(", "{", "\\{")
                or (t.text == "[" and False)
                or (t.text == "|" and not self.abs_depth)
            )
        if t.kind == "CMD":
            return (
                t.text not in MUL_CMDS
                and t.text not in CMD_RELOPS
                and t.text
                not in (
                    "pm",
                    "mp",
                    "div",
                    "in",
                    "cup",
                    "cap",
                    "setminus",
                    "backslash",
                    "to",
                    "rfloor",
                    "rceil",
                )
            )
        return False

    def parse_term(self) -> tuple:
        node = self.parse_unary()
        while True:
            t = self.peek()
            if (
                t.kind == "OP"
                and t.text in ("*", "/", ":")
                or t.kind == "CMD"
                and t.text in MUL_CMDS | {"div"}
            ):
                self.next()
                rhs = self.parse_unary()
                if t.text in ("/", "div", ":"):  # a ratio a:b is the quotient
                    node = self.node("div", node, rhs)
                    continue
            elif self.starts_atom():
                rhs = self.parse_power()
            else:
                return node
            node = self.node("mul", (*node[1], rhs)) if node[0] == "mul" else self.node("mul", (node, rhs))

    def parse_unary(self) -> tuple:
        t = self.peek()
        if t.kind == "OP" and t.text in "+-":
            self.next()
            self.enter()
            inner = self.parse_unary()
            self.depth -= 1
            return inner if t.text == "+" else self.node("neg", inner)
        return self.parse_power()

    def parse_power(self) -> tuple:
        base = self.parse_postfix()
        pos_after_base = self.pos
        if self.at("OP", "^") or self.at("OP", "**"):
            self.next()
            self.enter()
            exp = self.parse_exponent()
            self.depth -= 1
            if self.split_words.get(id(base)) == pos_after_base:
                *head, last = base[1]
                return self.node("mul", (*head, self.node("pow", last, exp)))
            return self.node("pow", base, exp)
        return base

    def parse_exponent(self) -> tuple:
        if self.at("OP", "{"):
            return self.parse_group()
        t = self.peek()
        if self.latex and t.kind == "NUM" and len(t.text) > 1 and t.text.isdigit():
            return self.split_num()
        if self.latex and t.kind == "NAME" and len(t.text) > 1:
            return self.split_name()
        return self.parse_unary()

    def split_num(self) -> tuple:
        """``\\frac13`` / ``x^23``: in LaTeX an ungrouped argument is one character."""
        t = self.next()
        self.toks.insert(self.pos, Token("NUM", t.text[1:]))
        return self.node("num", t.text[0])

    def split_name(self) -> tuple:
        t = self.next()
        self.toks.insert(self.pos, Token("NAME", t.text[1:]))
        return self.name_atom(t.text[0])

    def parse_postfix(self) -> tuple:
        node = self.parse_atom()
        while self.at("OP", "!"):
            self.next()
            node = self.node("fact", node)
        return node

    def parse_group(self) -> tuple:
        self.expect("OP", "{")
        inner = self.parse_relation()
        self.expect("OP", "}")
        return inner

    def parse_arg(self) -> tuple:
        """One LaTeX argument: a braced group or a single token."""
        t = self.peek()
        if t.kind == "OP" and t.text == "{":
            return self.parse_group()
        if t.kind == "NUM" and len(t.text) > 1 and t.text.isdigit():
            return self.split_num()
        if t.kind == "NAME" and len(t.text) > 1:
            return self.split_name()
        return self.parse_atom()

    def parse_items(self, closers: tuple[str, ...]) -> tuple[list[tuple], str]:
        items = [self.parse_relation()]
        while self.at("OP", ",") or self.at("OP", ";"):
            self.next()
            items.append(self.parse_relation())
            if len(items) > self.limits.max_items:
                raise TooLarge(f"more than {self.limits.max_items} items")
        t = self.next()
        if t.kind != "OP" or t.text not in closers:
            raise ParseError(f"expected one of {' '.join(closers)}, found {t.text or 'end of input'!r}")
        return items, t.text

    def parse_atom(self) -> tuple:
        self.enter()
        try:
            return self._atom()
        finally:
            self.depth -= 1

    def _atom(self) -> tuple:
        t = self.next()
        if t.kind == "NUM":
            if self.at("OP", "_"):
                return self.base_numeral(t.text)
            return self.node("num", t.text)
        if t.kind == "NAME":
            return self.name_atom(t.text)
        if t.kind == "OP":
            if t.text == "(":
                items, close = self.parse_items((")", "]"))
                if close == "]":
                    if len(items) != 2:
                        raise ParseError("a half-open interval needs two ends")
                    return self.node("interval", items[0], items[1], True, False)
                return items[0] if len(items) == 1 else self.node("tuple", tuple(items))
            if t.text == "]" and self.peek().kind != "EOF":
                # ]a, b[ / ]a, b]: the ISO (French) way of writing an open end
                items, close = self.parse_items(("[", "]", ")"))
                if len(items) != 2:
                    raise ParseError("an interval needs two ends")
                return self.node("interval", items[0], items[1], True, close != "]")
            if t.text == "[":
                items, close = self.parse_items(("]", ")", "["))
                if close == "[":  # [a, b[: open on the right
                    if len(items) != 2:
                        raise ParseError("an interval needs two ends")
                    return self.node("interval", items[0], items[1], False, True)
                if close == ")":
                    if len(items) != 2:
                        raise ParseError("a half-open interval needs two ends")
                    return self.node("interval", items[0], items[1], False, True)
                if len(items) == 1 and items[0][0] == "matrix":
                    return items[0]
                if len(items) > 0 and all(it[0] == "bracket" for it in items):
                    return self.node("matrix", tuple(tuple(it[1]) for it in items))
                return self.node("bracket", tuple(items))
            if t.text == "{":
                items, _ = self.parse_items(("}",))
                return items[0] if len(items) == 1 else self.node("set", tuple(items))
            if t.text == "\\{":
                if self.at("OP", "\\}"):
                    self.next()
                    return self.node("set", ())
                builder = self.set_builder()
                if builder is not None:
                    return builder
                items, _ = self.parse_items(("\\}",))
                return self.node("set", tuple(items))
            if t.text == "|":
                self.abs_depth += 1
                inner = self.parse_expr()
                self.abs_depth -= 1
                self.expect("OP", "|")
                return self.node("func", "abs", (inner,))
        if t.kind == "CMD":
            return self.command(t.text)
        if t.kind == "BEGIN":
            return self.environment(t.text)
        if t.kind == "TEXT":
            return self.node("text", t.text)
        raise ParseError(f"unexpected {t.text or 'end of input'!r}")

    def set_builder(self) -> tuple | None:
        """``\\{x \\mid 1 < x < 3\\}``, ``\\{x : x > 2\\}``, ``\\{x \\in \\mathbb{R} | ...\\}``: the
        condition on one real variable, which compares as the subset of the reals it describes."""
        t0, t1 = self.peek(), self.peek(1)
        if t0.kind != "NAME" or len(t0.text) != 1:
            return None
        skip = 1
        if (
            t1.kind == "CMD"
            and t1.text == "in"
            and [self.peek(k).text for k in range(2, 6)]
            == [
                "mathbb",
                "{",
                "R",
                "}",
            ]
        ):
            skip = 6  # x \in \mathbb{R}: the reals, the default domain
        bar = self.peek(skip)
        if not (bar.kind == "CMD" and bar.text == "mid" or bar.kind == "OP" and bar.text in (":", "|")):
            return None
        self.pos += skip + 1
        items, seps = [self.parse_relation()], set()
        while self.at("SEP") or self.at("OP", ","):
            seps.add(self.next().text)
            items.append(self.parse_relation())
            if len(items) > self.limits.max_items:
                raise TooLarge(f"more than {self.limits.max_items} items")
        self.expect("OP", "\\}")
        if any(it[0] != "rel" and it[0] != "in" for it in items):
            raise Unsupported("a set-builder condition that is not a relation")
        if len(items) == 1:
            return items[0]
        return self.node("seq", "or" if seps == {"or"} else "and", tuple(items))

    def name_atom(self, word: str) -> tuple:
        if self.at("OP", "_"):
            self.next()
            return self.subscripted(word)
        if word in self.bound:
            return self.sym(word)
        if self.at("OP", "(") and self.is_application(word):
            return self.application(word)
        if self.at("OP", "^") and [(t.kind, t.text) for t in self.toks[self.pos : self.pos + 6]] == _INVERSE:
            self.pos += 5  # f^{-1}(x): the inverse function's value, one unknown like f(x)
            if self.is_application(word):
                return self.application(word + "^{-1}")
            self.pos -= 5
        if self.symbols is not None and word in self.symbols:
            return self.sym(word)
        low = word.lower()
        if low in FUNCS and (self.at("OP", "(") or low in ("sqrt", "ln", "log", "sin", "cos", "tan", "exp")):
            return self.function({"abs": "abs"}.get(low, low))
        if word in ("pi", "oo", "inf", "infty") or low in ("infinity", "infty"):
            return self.node("const", "oo" if word != "pi" else "pi")
        if word in ("I", "i", "j") and not (self.symbols and word in self.symbols):
            if word != "j" or self.latex:
                return self.node("const", "I") if word != "j" else self.sym(word)
        if word in ("E", "e"):
            return self.node("const", "E")
        parts = self.split_word(word)
        if len(parts) == 1:
            return self.sym(parts[0])
        node = self.node("mul", tuple(self.name_atom_simple(p) for p in parts))
        self.split_words[id(node)] = self.pos  # a power right after it binds to the last letter: xy^2 = x*y^2
        return node

    def is_application(self, word: str) -> bool:
        """``f(x)``, ``W(n)``, ``P(2)``: a function letter applied to plain arguments (not ``a(b+c)``)."""
        if len(word) != 1 or not (word in "fgh" or word.isupper()):
            return False
        if self.symbols is not None and word in self.symbols:
            return False  # the reference uses the letter as a variable: keep multiplication
        j = self.pos + 1
        while True:
            if self.toks[j].kind == "OP" and self.toks[j].text == "-":
                j += 1
            t = self.toks[j]
            if not (t.kind == "NUM" or t.kind == "NAME" and len(t.text) == 1):
                return False
            j += 1
            if self.toks[j].kind == "OP" and self.toks[j].text == ",":
                j += 1
                continue
            return self.toks[j].kind == "OP" and self.toks[j].text == ")"

    def application(self, word: str) -> tuple:
        """An opaque name for a function value: ``f(x)`` is one unknown, the same wherever it occurs."""
        self.expect("OP", "(")
        args = []
        while not self.at("OP", ")"):
            t = self.next()
            args.append(t.text if t.kind != "OP" else "-")
            if t.kind != "OP" and self.at("OP", ","):
                self.next()
                args.append(",")
        self.next()
        return self.sym(f"{word}({''.join(args)})")

    def name_atom_simple(self, part: str) -> tuple:
        if self.symbols is not None and part in self.symbols:
            return self.sym(part)
        if part in ("e", "E"):
            return self.node("const", "E")
        if part in ("i", "I"):
            return self.node("const", "I")
        return self.sym(part)

    def product_run(self, word: str) -> bool:
        """Letters written together that are a product: a short lowercase run (``mn``), or a lowercase run
        whose letters all are variables elsewhere in the answer or on the other side (``mu`` beside ``m``
        and ``u``)."""
        if splittable(word):
            return True
        if not (word.isascii() and word.isalpha() and word.islower()):
            return False
        if self.letters is None:
            names = {t.text for t in self.toks if t.kind == "NAME"}
            self.letters = self.context | {c for n in names if len(n) == 1 or splittable(n) for c in n}
        return set(word) <= self.letters

    def split_word(self, word: str) -> list[str]:
        """``xy`` -> ``x*y`` unless ``xy`` is a known symbol; known multi-letter symbols are kept whole."""
        if len(word) == 1:
            return [word]
        if self.symbols:
            found = _split_into(word, self.symbols)
            if found:
                return found
        if self.symbols is None and not self.latex and not (self.split and self.product_run(word)):
            return [word]  # SymPy-style text without context: names are written whole
        letters = word.rstrip("0123456789")
        digits = word[len(letters) :]
        if len(letters) <= 1:
            return [word]
        parts = list(letters)
        parts[-1] += digits
        return parts


_INVERSE = [("OP", "^"), ("OP", "{"), ("OP", "-"), ("NUM", "1"), ("OP", "}"), ("OP", "(")]


def _split_into(word: str, symbols: frozenset[str]) -> list[str] | None:
    """Split ``word`` into a sequence of known symbols (longest first), or None.  Pieces are never
    longer than the longest known name, so this is linear in the word's length."""
    longest = max(2, max(map(len, symbols), default=0))  # at least "pi"
    nxt: dict[int, int] = {}  # start of a piece -> its end, for positions from which a split exists
    for i in range(len(word) - 1, -1, -1):
        for j in range(min(len(word), i + longest), i, -1):
            if j == len(word) or j in nxt:
                piece = word[i:j]
                if piece in symbols or piece in ("e", "i", "pi"):
                    nxt[i] = j
                    break
    if 0 not in nxt:
        return None
    out, i = [], 0
    while i < len(word):
        out.append(word[i : nxt[i]])
        i = nxt[i]
    return out


def splittable(word: str) -> bool:
    """A short run of letters that may be a product of one-letter variables (``mn``, ``xyz``), not a
    name we know (``alpha``, ``sin``) or a geometric label (``AB``)."""
    return (
        word.isalpha()
        and word.islower()
        and 2 <= len(word) <= 4
        and word not in GREEK
        and word.lower() not in FUNCS
    )


def parse(
    text: str,
    limits: Limits,
    symbols: frozenset[str] | None = None,
    split: bool = False,
    context: frozenset[str] = frozenset(),
    dropped: list[str] | None = None,
) -> tuple:
    """Parse one answer (no surrounding prose) into a tree; raises a VerifyError subclass.  ``split``:
    juxtaposed letters are separate variables even in plain text (the other side said so).  ``context``:
    letters the other side uses as variables (a word of them after a number is not a unit: ``6km^2``
    against ``6k m^2``); ``dropped`` receives the words read as units."""
    s = normalize(text, limits)
    if not s:
        raise ParseError("empty answer")
    check_nesting(s, limits)
    latex = "\\" in text or "{" in s or "$" in text
    toks = pretokens(tokenize(s, limits), symbols, context, dropped)
    p = Parser(toks, limits, symbols, latex, split, context)
    try:
        tree = p.parse_answer()
    except RecursionError as exc:  # only reachable with a max_depth configured far above the default
        raise TooLarge("nesting too deep for the parser") from exc
    if tree_depth(tree) > 4 * limits.max_depth:  # 1/2 1/2 1/2...: a left-deep chain, not brackets
        raise TooLarge(f"expression nested deeper than {4 * limits.max_depth}")
    return tree


def tree_depth(tree) -> int:
    """Depth of a tree, without recursion (the builders recurse: a deep tree is refused first)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, d = stack.pop()
        if not isinstance(node, tuple) or not node:
            continue
        deepest = max(deepest, d)
        inner = d + 1 if isinstance(node[0], str) else d  # a tuple of children is not a level
        stack.extend((x, inner) for x in node if isinstance(x, tuple))
    return deepest


def symbols_of(tree) -> frozenset[str]:
    """Variable names used in a tree."""
    return frozenset(n[1] for n in walk(tree) if n[0] == "sym")
