"""LaTeX commands and environments for the recursive-descent parser (a mixin of ``parser.Parser``).

Handles ``\\frac``, ``\\sqrt``, functions, matrices, big operators (``\\sum``/``\\prod`` with an index
variable, kept as a ``bigop`` node that the SymPy builder expands exactly for small numeric bounds),
subscripts (``x_1`` a name, ``F_{n-k}`` an indexed value, ``204_5`` a base-5 numeral) and unknown bare
commands (``\\ell``), which become opaque names.  Everything produces whitelisted tree nodes only.
"""

from __future__ import annotations

from .limits import ParseError, TooLarge, Unsupported

FUNCS = frozenset(
    "sqrt cbrt sin cos tan cot sec csc asin acos atan arcsin arccos arctan sinh cosh tanh ln log exp "
    "abs Abs floor ceil".split()
)
GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi rho "
    "sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma Phi Psi Omega".split()
)
DELIMITED = {"lfloor": ("floor", "rfloor"), "lceil": ("ceil", "rceil")}  # \lfloor x \rfloor
TRIG = frozenset("sin cos tan cot sec csc sinh cosh tanh".split())
MATRIX_ENVS = frozenset({"pmatrix", "bmatrix", "matrix", "Bmatrix", "smallmatrix", "array"})
BIG_OPS = {"sum": "sum", "prod": "prod"}
# commands with structure or logic we do not model: never read as an opaque name
NOT_NAMES = frozenset(
    "dots ldots cdots vdots ddots mid setminus subset subseteq supset supseteq forall exists nexists "
    "Rightarrow rightarrow Leftarrow leftarrow Leftrightarrow leftrightarrow implies impliedby iff to "
    "mapsto neg lnot not land lor wedge vee cap perp parallel sim simeq cong propto int iint oint lim "
    "max min sup inf gcd lcm det deg dim ker mod bmod pmod boxed fbox angle triangle overline underline "
    "vec hat bar tilde dot ddot widehat widetilde overrightarrow mathbb mathcal mathfrak mathscr "
    "partial nabla colon therefore because ldotp quad qquad hline cline multicolumn".split()
)
MAX_BASE = 36


class LatexMixin:
    """Methods of ``Parser`` for LaTeX commands; they use the parser's token helpers."""

    def command(self, name: str) -> tuple:
        if name == "frac":
            if self.leibniz():
                return self.derivative()
            return self.node("div", self.parse_arg(), self.parse_arg())
        if name == "int":
            return self.integral()
        if name == "lim":
            return self.limit()
        if name == "mathbb":
            return self.blackboard()
        if name in DELIMITED:
            return self.delimited(name)
        if name in ("max", "min") and self.at("OP", "("):
            self.next()
            args, _ = self.parse_items((")",))
            return self.node("func", name, tuple(args))
        if name == "binom":
            return self.node("func", "binomial", (self.parse_arg(), self.parse_arg()))
        if name == "sqrt":
            if self.at("OP", "["):
                self.next()
                index = self.parse_expr()
                self.expect("OP", "]")
                return self.node("func", "root", (self.parse_arg(), index))
            return self.node("func", "sqrt", (self.parse_arg(),))
        if name in ("pi", "infty", "infin", "imath"):
            return self.node("const", {"pi": "pi", "imath": "I"}.get(name, "oo"))
        if name in FUNCS or name in ("arcsin", "arccos", "arctan", "arccot", "arcsec", "arccsc"):
            return self.function(name)
        if name in GREEK:
            return self.sym(name)
        if name == "emptyset" or name == "varnothing":
            return self.node("set", ())
        if name in BIG_OPS:
            return self.big_operator(BIG_OPS[name])
        if name not in NOT_NAMES and not self.at("OP", "{"):
            return self.sym("\\" + name)  # \ell, \hbar, an undefined macro: an opaque name
        raise Unsupported(f"LaTeX command \\{name} is not supported")

    def function(self, name: str) -> tuple:
        power = None
        base = None
        if name == "log" and self.at("OP", "_"):
            self.next()
            base = self.parse_arg()
        if self.at("OP", "^"):
            self.next()
            power = self.parse_exponent()
        if self.at("OP", "("):
            self.next()
            args, _ = self.parse_items((")",))
        elif self.at("OP", "{"):
            args = [self.parse_group()]
        else:
            args = [self.parse_power()]
        if base is not None:
            args.append(base)
        if power is not None and _is_minus_one(power) and name in TRIG:
            name, power = "a" + name, None  # \\cos^{-1} u is arccos u, not 1/cos u
        node = self.node("func", name, tuple(args))
        return self.node("pow", node, power) if power is not None else node

    def big_operator(self, op: str) -> tuple:
        """``\\sum_{k=a}^{b} term``: the body is the following product term (it stops at + and -)."""
        if not self.at("OP", "_"):
            raise Unsupported(f"\\{op} without an index range")
        self.next()
        start = self.parse_arg()
        if start[0] == "rel" and start[2][0] == ("const", "I"):  # \sum_{i=1}: i is the index here
            start = ("rel", start[1], (("sym", "i"), *start[2][1:]))
        if not (start[0] == "rel" and start[1] == ("=",) and start[2][0][0] == "sym"):
            raise Unsupported(f"\\{op} needs an index like _{{k=1}}")
        var, lo = start[2][0][1], start[2][1]
        self.expect("OP", "^")
        hi = self.parse_arg()
        self.bound.append(var)
        self.enter()
        try:
            body = self.parse_term()
        finally:
            self.depth -= 1
            self.bound.pop()
        return self.node("bigop", op, var, lo, hi, body)

    def environment(self, env: str) -> tuple:
        if env == "cases":
            return self.cases()
        if env not in MATRIX_ENVS:
            raise Unsupported(f"LaTeX environment {env} is not supported")
        rows: list[list[tuple]] = [[]]
        while not self.at("END"):
            if self.at("EOF"):
                raise ParseError(f"\\begin{{{env}}} without \\end")
            rows[-1].append(self.parse_expr())
            if self.at("OP", "&"):
                self.next()
            elif self.at("OP", "\\\\"):
                self.next()
                if not self.at("END"):
                    rows.append([])
            if sum(len(r) for r in rows) > self.limits.max_items:
                raise TooLarge(f"more than {self.limits.max_items} matrix entries")
        self.next()
        rows = [r for r in rows if r]
        if len({len(r) for r in rows}) > 1:
            raise ParseError("matrix rows have different lengths")
        return self.node("matrix", tuple(tuple(r) for r in rows))

    # -- subscripts -----------------------------------------------------------------------------
    def subscripted(self, word: str) -> tuple:
        """After ``word_``: ``x_1``/``x_{12}`` a name, ``a_k`` under ``\\sum_k`` or ``F_{n-k}`` indexed."""
        sub = self.peek()
        if sub.kind == "OP" and sub.text == "{":
            j = self.pos + 1
            while self.toks[j].kind in ("NUM", "NAME"):
                j += 1
            if self.toks[j].kind == "OP" and self.toks[j].text == "}" and j > self.pos + 1:
                parts = [t.text for t in self.toks[self.pos + 1 : j]]
                self.pos = j + 1
                return self.named_subscript(word, "".join(parts))
            index = self.parse_group()  # an expression subscript: an indexed value
            return self.node("idx", word, index)
        if sub.kind in ("NUM", "NAME"):
            self.next()
            return self.named_subscript(word, sub.text)
        raise ParseError("unsupported subscript")

    def named_subscript(self, word: str, sub: str) -> tuple:
        if sub in self.bound:
            return self.node("idx", word, self.sym(sub))
        return self.sym(f"{word}_{sub}")

    def base_numeral(self, digits: str) -> tuple:
        """``204_5`` / ``1011_{2}``: a numeral in base 2..36 (digits only), as its decimal value."""
        self.expect("OP", "_")
        t = self.next()
        if t.kind == "OP" and t.text == "{":
            t = self.next()
            self.expect("OP", "}")
        if t.kind != "NUM" or not t.text.isdigit() or not 2 <= int(t.text) <= MAX_BASE:
            raise ParseError("a numeral's base must be an integer from 2 to 36")
        base = int(t.text)
        if not digits.isdigit() or any(int(d) >= base for d in digits):
            raise ParseError(f"{digits} is not a base-{base} numeral")
        return self.node("num", str(int(digits, base)))

    # -- cases, sets of numbers ---------------------------------------------------------------------
    def delimited(self, name: str) -> tuple:
        func, closer = DELIMITED[name]
        inner = self.parse_expr()
        t = self.next()
        if not (t.kind == "CMD" and t.text == closer):
            raise ParseError(f"\\{name} without \\{closer}")
        return self.node("func", func, (inner,))

    def cases(self) -> tuple:
        """``\\begin{cases} x = 1 \\\\ y = 2 \\end{cases}``: a system.  A row with a condition
        (``x & x > 0``) makes it a piecewise definition, which we do not model."""
        rows: list[tuple] = []
        while not self.at("END"):
            if self.at("EOF"):
                raise ParseError("\\begin{cases} without \\end")
            rows.append(self.parse_relation())
            if self.at("OP", "&"):
                raise Unsupported("a piecewise definition (cases with conditions)")
            if self.at("OP", "\\\\") or self.at("OP", ","):
                self.next()
            elif not self.at("END"):
                raise ParseError(f"unexpected {self.peek().text!r} in cases")
            if len(rows) > self.limits.max_items:
                raise TooLarge(f"more than {self.limits.max_items} rows")
        self.next()
        if not rows:
            raise ParseError("empty cases")
        return rows[0] if len(rows) == 1 else self.node("seq", ",", tuple(rows))

    def blackboard(self) -> tuple:
        """``\\mathbb{R}``: the real line; other number sets are not modelled."""
        self.expect("OP", "{")
        t = self.next()
        self.expect("OP", "}")
        if t.kind == "NAME" and t.text == "R":
            inf = self.node("const", "oo")
            return self.node("interval", self.node("neg", inf), inf, True, True)
        raise Unsupported(f"\\mathbb{{{t.text}}} is not supported")


def _is_minus_one(t) -> bool:
    return t == ("num", "-1") or t[0] == "neg" and t[1] == ("num", "1")
