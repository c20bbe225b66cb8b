"""The mutation engine: configuration, one item per (config, seed, index), and rows in our schema.

``MutateConfig`` is frozen and checked by ``validate()`` before any generation (unknown operator or
level, bad seed files, a seed whose answer is not derivable: one ``ConfigError`` naming it).  Item ``i``
of seed ``s`` is a pure function of (config, s, i): its generator is ``item_rng`` of the rules, keyed by
the family's row name.  An item runs one projected-MCMC chain from a seed instance, then the gates; it
yields a row or the name of the gate (or ``difficulty``) that stopped it, with the chain's log.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from json.encoder import c_make_encoder, encode_basestring_ascii
from typing import Any

from ..expr.nodes import Sym
from ..rules.base import _split_of_digest, item_rng
from ..rules.common import SPLITS, ConfigError
from ..rules.rows import SeenProblems, bucket_of
from . import gates
from . import operators as _operators
from .defects import number_defects, unset_distractors
from .expressions import OPERATOR_NAMES, make_item
from .frames import informalize
from .item import Item
from .mcmc import TARGETS, TOLERANCE, ChainLog, difficulty, operator_list, run_chain
from .operators import OPERATORS, Renamer
from .program import ROLES, Program, Quantity, replace
from .seeds import Seed, SeedError, load_seeds
from .solution import completion, measures
from .solver import solve

FAMILIES = {
    "word": "mutated_word_problems",
    "linear": "mutated_isolate_variable",
    "system": "mutated_linear_system",
    "quadratic": "mutated_quadratic",  # expressions.py: quadratic and word_quadratic problems
    "expression": "mutated_expression",  # expressions.py: distributivity, factorization, simplification
}
EXPRESSION_FAMILIES = ("quadratic", "expression")
ANSWER_CLASSES = ("integer", "decimal", "fraction")
SECOND_OPINION = ("auto", "z3", "sympy", "none")


@dataclass(frozen=True)
class MutateConfig:
    level: int = 3  # 1-5; 6 = out of distribution (longer chains than any training level)
    family: str = "word"  # word | linear | system
    seeds: str = "builtin"  # builtin, a folder of *.json seed files, or one file (word family)
    operators: tuple[str, ...] | None = None  # None: every operator of the family but compose (opt-in)
    max_proposals: int | None = None  # None: 15 + 15 * level
    patience: int = 30  # stop a chain after this many proposals without getting closer (0: never)
    min_ops: int = 1
    beta: float = 1.2  # strength of the pull towards the requested difficulty
    gamma: float = 1.0  # bonus for a structure the chain has not seen (0: no novelty term)
    projection: bool = True
    complication: bool = True  # False: simplification and surface operators only (an ablation)
    answer_class: str = "integer"
    second_opinion: str = "auto"  # z3 if installed, else sympy; none: off
    second_opinion_rate: float = 0.02  # fraction of items checked (chosen by index hash)
    # word family: up to this many rows per chain: the chain's final program, then up to K - 1 copies of it
    # with every stated given (and distractor) redrawn from its declared range and every number that pins
    # an unknown computed from a value drawn for it, each re-solved (the solver replays the structure's
    # recorded plan) and passed through every gate and the defect checks.
    # Cheap rows (no new chain), but they share the chain's structure: fewer distinct structures per row
    variants_per_chain: int = 1
    # word family: the chain's final program renamed once more (new people, and a sentence variant drawn
    # afresh) when ``rename`` is among the operators: the chain proposes rename only until its first
    # acceptance, so without this a quarter of the rows kept their seed instance's names and wordings
    final_rename: bool = True

    def validate(self) -> None:
        if (
            not isinstance(self.level, int)
            or isinstance(self.level, bool)
            or self.level not in TARGETS["word"]
        ):
            raise ConfigError(f"level must be 1-5 (or 6 for out-of-distribution), got {self.level!r}")
        if self.family not in FAMILIES:
            raise ConfigError(f"family must be one of {', '.join(FAMILIES)}, got {self.family!r}")
        if self.operators is not None:
            fam = "word" if self.family == "word" else "symbolic"
            valid = sorted(
                OPERATOR_NAMES[self.family]
                if self.family in EXPRESSION_FAMILIES
                else (n for n, o in OPERATORS.items() if o.family == fam)
            )
            bad = [o for o in self.operators if o not in valid]
            if bad:
                raise ConfigError(
                    f"unknown operator(s) {', '.join(bad)} for family {self.family}; valid: {', '.join(valid)}"
                )
            if not self.operators:
                raise ConfigError("operators: name at least one operator")
        for name in ("max_proposals", "min_ops", "patience"):
            v = getattr(self, name)
            if v is None and name == "max_proposals":
                continue
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 10_000:
                raise ConfigError(f"{name} must be an integer 0-10000, got {v!r}")
        for name in ("beta", "gamma"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
                raise ConfigError(f"{name} must be a non-negative number, got {v!r}")
        if self.answer_class not in ANSWER_CLASSES:
            raise ConfigError(
                f"answer_class must be one of {', '.join(ANSWER_CLASSES)}, got {self.answer_class!r}"
            )
        if self.second_opinion not in SECOND_OPINION:
            raise ConfigError(
                f"second_opinion must be one of {', '.join(SECOND_OPINION)}, got {self.second_opinion!r}"
            )
        k = self.variants_per_chain
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 1000:
            raise ConfigError(f"variants_per_chain must be an integer 1-1000, got {k!r}")
        if k > 1 and self.family != "word":
            raise ConfigError(
                f"variants_per_chain > 1 needs the word family (its givens have declared ranges), got family {self.family!r}"
            )
        if not isinstance(self.final_rename, bool):
            raise ConfigError(f"final_rename must be true or false, got {self.final_rename!r}")
        if not 0 <= self.second_opinion_rate <= 1:
            raise ConfigError(f"second_opinion_rate must be in [0, 1], got {self.second_opinion_rate!r}")
        if self.second_opinion == "z3":
            try:
                import z3  # noqa: F401
            except ImportError:
                raise ConfigError(
                    "second_opinion=z3 needs z3-solver: pip install 'hf-mathrules[mutate]'"
                ) from None
        if self.family == "word":
            try:
                load_seeds(self.seeds)
            except SeedError as exc:
                raise ConfigError(str(exc)) from None

    def to_meta(self) -> dict[str, Any]:
        return {
            "level": self.level, "family": self.family, "seeds": self.seeds,
            "operators": list(self.operators) if self.operators else None, "projection": self.projection,
            "complication": self.complication, "gamma": self.gamma, "answer_class": self.answer_class,
        }  # fmt: skip


@dataclass
class Stats:
    items: int = 0
    rows: int = 0
    rejected: Counter = field(default_factory=Counter)  # per gate
    rejected_by_op: Counter = field(default_factory=Counter)  # per last operator of a rejected chain
    proposed: Counter = field(default_factory=Counter)
    applicable: Counter = field(default_factory=Counter)
    projected: Counter = field(default_factory=Counter)
    accepted: Counter = field(default_factory=Counter)
    gaps: list[float] = field(default_factory=list)
    variant_rows: int = 0  # rows from redrawn givens (``variants_per_chain``), included in ``rows``

    def add(self, item: Item) -> None:
        self.items += 1
        for name in ("proposed", "applicable", "projected", "accepted"):
            getattr(self, name).update(getattr(item.log, name))
        self.rows += len(item.variants)
        self.variant_rows += len(item.variants)
        if item.row is not None:
            self.rows += 1
        else:
            self.rejected[item.rejected] += 1
            last = item.final.history[-1] if item.final is not None and item.final.history else "(none)"
            self.rejected_by_op[last] += 1
            if item.rejected == "difficulty":
                self.gaps.append(abs(item.log.score - item.log.target))

    def acceptance_table(self) -> list[dict[str, Any]]:
        return [
            {"operator": op, "proposed": self.proposed[op], "applicable": self.applicable[op],
             "valid_after_projection": self.projected[op], "accepted": self.accepted[op],
             "acceptance": self.accepted[op] / self.proposed[op] if self.proposed[op] else 0.0}
            for op in sorted(self.proposed)
        ]  # fmt: skip


class MutationEngine:
    def __init__(self, config: MutateConfig | None = None, **kwargs: Any) -> None:
        config = config or MutateConfig(**kwargs)
        config.validate()
        self.config = config
        self.name = FAMILIES[config.family]

    @cached_property
    def seeds(self) -> list[Seed]:
        return load_seeds(self.config.seeds) if self.config.family == "word" else []

    @cached_property
    def seed_signatures(self) -> frozenset[str]:
        import random

        rng = random.Random(0)
        return frozenset(s.instantiate(rng).signature() for s in self.seeds)

    @property
    def ops(self):
        return operator_list(self.config.family, self.config.operators, self.config.complication)

    def start(self, rng, index: int = 0, seed: int = 0) -> Program | None:
        if self.config.family == "word":
            # seeds in turn (from an offset of the seed and level), so that every seed is used as often:
            # structures spread over the whole library, not over the seeds a random draw favours
            n = len(self.seeds)
            offset = int.from_bytes(
                hashlib.blake2b(f"{seed}\x1f{self.config.level}".encode(), digest_size=4).digest(), "little"
            )
            return self.seeds[(offset + index) % n].instantiate(rng)
        from .symbolic import seed_program

        return seed_program(self.config.family, rng, self.config.level)

    def items_with_rows(self, n: int, seed: int = 0, max_tries: int | None = None) -> list[Item]:
        """The first ``n`` items (indices 0, 1, ...) of ``seed`` that give a row, trying at most
        ``max_tries`` indices (default 20 per row wanted): what benchmarks and tests sample."""
        out, index, limit = [], 0, max_tries if max_tries is not None else 20 * n
        while len(out) < n and index < limit:
            it = self.item(seed, index)
            index += 1
            if it.row is not None:
                out.append(it)
        return out

    def item(self, seed: int, index: int) -> Item:
        """One item: a chain's row and its variants (``variants_per_chain``).  While it is made, the
        collector's first generation waits for ``GC_GEN0`` new objects instead of the interpreter's 700
        (the thresholds are put back before it returns): an item makes hundreds of thousands of
        short-lived objects, and each collection of the older generations walks every cache of the
        process (~7.5% of an item's time at level 3, K = 16; issue 19 round 8).  No row depends on it."""
        old = gc.get_threshold()
        # the objects alive before the item are frozen (``gc.freeze``: moved out of every generation in
        # O(1)) while it is made, so the collections it triggers walk its own objects only, and unfrozen
        # after (O(1)); not when the caller has frozen objects itself, whose freeze would be undone.  A
        # freeze also zeroes the generations' counts, so items made back to back never reach a collection
        # of the older generations: one full collection every ``GC_FULL_EVERY`` frozen items frees what
        # cyclic garbage they left (none today: issue 19 round 17) and bounds what stays tracked; nothing of
        # this when the caller has turned the collector off
        freeze = GC_FREEZE and gc.isenabled() and gc.get_freeze_count() == 0
        raise_gen0 = GC_GEN0 is not None and old[0] < GC_GEN0
        if not (freeze or raise_gen0):
            return self._item(seed, index)
        if raise_gen0:
            gc.set_threshold(GC_GEN0, *old[1:])
        if freeze:
            gc.freeze()
        try:
            return self._item(seed, index)
        finally:
            if freeze:
                gc.unfreeze()
            gc.set_threshold(*old)
            if freeze:
                _FROZEN_ITEMS[0] += 1
                if _FROZEN_ITEMS[0] >= GC_FULL_EVERY:
                    _FROZEN_ITEMS[0] = 0
                    gc.collect()

    def _item(self, seed: int, index: int) -> Item:
        cfg = self.config
        if cfg.family in EXPRESSION_FAMILIES:
            return make_item(self, seed, index)
        # the level is part of the key: a level-5 item is its own draw, not the level-4 chain continued
        rng = item_rng(f"{self.name}\x1fL{cfg.level}", seed, index)
        start = None
        for attempt in range(5):
            start = self.start(rng, index + attempt, seed)
            if start is not None:
                break
        if start is None:
            return Item(None, "start", "no usable seed problem drawn", ChainLog())
        target = TARGETS[cfg.family][cfg.level]
        final, log = run_chain(
            start, rng, self, self.ops, target, max_proposals=cfg.max_proposals or 15 + 15 * cfg.level, min_ops=cfg.min_ops,
            beta=cfg.beta, gamma=cfg.gamma, projection=cfg.projection, novelty=cfg.gamma > 0,
            answer_class=cfg.answer_class, seed_signatures=self.seed_signatures,
            patience=cfg.patience or None,
        )  # fmt: skip
        if cfg.final_rename and cfg.family == "word" and any(o.name == "rename" for o in self.ops):
            final = final_rename(final, rng, self)
        item = self.finish(start, final, log, seed, index, target)
        if cfg.variants_per_chain > 1 and item.rejected not in ("difficulty", "well_formed"):
            item.variants = self.variants(item, seed, index, target)
        return item

    def variants(self, item: Item, seed: int, index: int, target: float) -> list[Item]:
        """Up to ``variants_per_chain - 1`` more rows of the chain's final program: every stated given and
        distractor redrawn from its declared range (``redraw``), and each number that pins an unknown (the
        number a relation states alone for it, an observed value: ``_pins``) computed from a value drawn
        for that unknown from its range (``_unpinned``); a draw whose solution breaks a role, a range or
        the answer class (most are refused by following the recorded plan, ``_screen``) or whose values
        the item tried already is drawn again, at most ``VARIANT_DRAWS`` times; then every gate of
        ``finish`` and the defect checks; with ``final_rename`` each variant also gets its own people and
        wording.  Variant j draws from its own generator keyed by (seed, index, j), so the
        item stays a pure function of (config, seed, index) and the rows for K are a prefix of those for
        K + 1; a variant whose problem repeats an earlier row of the item is dropped, and a variant that
        no draw makes valid ends the item's variants (its structure rarely fits new numbers)."""
        cfg, final = self.config, item.final
        plan = _redraw_plan(final) if final is not None else ()
        if not plan:
            return []
        seen = {item.row["problem"]} if item.row is not None else set()
        rename = cfg.final_rename and any(o.name == "rename" for o in self.ops)
        # every variant is a copy of ``final`` with other stated values: its renaming is worked out once
        renamer = Renamer(final) if rename and _operators.SHARED_RENAME else None
        # the verdicts of what reads only the structure, the same for every copy (``FORMED_CARRIED``,
        # ``LINKS_CARRIED``)
        formed = FORMED_CARRIED and gates.well_formed(final) is None
        linked = LINKS_CARRIED and gates.unlinked(final) is None
        screen = _screen(final, cfg.answer_class) if SCREEN else None
        unpin = _unpinned(final, cfg.answer_class) if UNPIN else None
        # the drawn values of the chain's row and of every variant that reached the gates: drawn again,
        # they give a repeated problem (dropped) or the same rejection, so they are drawn anew instead
        names = [name for name, _ in plan] + (unpin.pinned if unpin is not None else [])
        tried = {tuple(final.by_name[name].value for name in names)} if FRESH else None
        out: list[Item] = []
        for j in range(1, cfg.variants_per_chain):
            rng = item_rng(f"{self.name}\x1fL{cfg.level}\x1fvariant{j}", seed, index)
            for _ in range(VARIANT_DRAWS):
                values = {name: draw(rng) for name, draw in plan}
                if unpin is not None:
                    values = unpin(values, rng)
                    if values is None:
                        continue  # a value the exact gate refuses, or a pinned number that does not fit
                elif screen is not None and screen(values):
                    continue  # a value the exact gate refuses, found without building and solving the copy
                if tried is not None:
                    key = tuple(values[name] for name in names)
                    if key in tried:
                        continue
                p = final.with_values(values)
                passed = solve(p)
                if gates.exact(p, passed, cfg.answer_class) is None:
                    break
            else:
                break  # a structure whose ranges rarely give a valid problem: no more draws spent on it
            if tried is not None:
                tried.add(key)
            # every stated value drawn (none None): each quantity keeps its kind
            same = linked and None not in values.values()
            carried = formed
            if rename:  # its own people and wording too, as every chain's row (``final_rename``)
                before, p = p, final_rename(p, rng, self, record=False, renamer=renamer)
                if CARRY_EXACT or formed:
                    carried = exact_carried(before, p)
                if not (CARRY_EXACT and carried):
                    passed = None
            elif not CARRY_EXACT:
                passed = None
            v = self.finish(
                item.start, p, item.log, seed, index, target, variant=j, exact_passed=passed,
                formed=formed and carried, linked=same,
            )  # fmt: skip
            if v.row is None or v.row["problem"] in seen:
                continue
            seen.add(v.row["problem"])
            out.append(v)
        return out

    def finish(
        self,
        start: Program,
        final: Program,
        log: ChainLog,
        seed: int,
        index: int,
        target: float,
        variant: int = 0,
        exact_passed=None,
        formed: bool = False,
        linked: bool = False,
    ) -> Item:
        """Gate ``final`` and make its row (or say which gate refused it).  ``exact_passed``: the solution
        with which the exact gate passed ``final``, or the program ``final_rename`` made it from when
        ``exact_carried`` (a variant's draw): the gate is not run again for that solution.  ``formed``:
        ``final`` is a copy of a program ``well_formed`` passed, with other stated values and (when
        ``exact_carried``) other people, which the gate passes alike; ``linked``: such a copy of a program
        whose answer depends on a given (``gates.unlinked``), every stated value drawn (issue 19 round 15)."""
        cfg = self.config

        def reject(gate: str, reason: str, text: str = "") -> Item:
            return Item(None, gate, reason, log, start, final, text)

        score = log.score if not variant else (difficulty(final) or 0.0)
        if abs(score - target) > TOLERANCE:
            return reject("difficulty", f"reached difficulty {score:g}, target {target:g}")
        reason = None if formed else gates.well_formed(final)
        if reason:
            return reject("well_formed", reason)
        sol = solve(final, drop=final.query)
        # a variant's draw passed the gate with this very solution (its memo is ``final``'s: the query states
        # no value, so dropping it is solving it as drawn) before the rename (issue 19 round 11)
        reason = None if sol is exact_passed else gates.exact(final, sol, cfg.answer_class)
        if reason:
            return reject("exact", reason)
        reason = gates.unique(final, linked=linked)
        if reason:
            return reject("unique", reason)
        reason = gates.steps_ok(final, sol)
        if reason:
            return reject("steps", reason)
        moved = _distinct_distractors(final, {sol.values[q] for q in final.query})
        if moved is not final:
            final, sol = moved, solve(moved, drop=moved.query)
        text = informalize(final)
        # a distractor about a thing that only a given's own sentence sets up ("The notebook has 94 pages."),
        # in a text without that sentence, is left out: nothing depends on it (round 8)
        unset = unset_distractors(text, final) if final.family == "word" else []
        if unset:
            final = final.without(*unset)
            sol = solve(final, drop=final.query)
            text = informalize(final)
        reason = gates.round_trip(final, text, sol, self.seeds)
        if reason:
            return reject("round_trip", reason, text)
        problem = final.problem_string()
        if problem == start.problem_string() and text == informalize(start):
            return reject("dedupe", "identical to its seed instance", text)
        answer = {q: sol.values[q] for q in final.query}
        if cfg.second_opinion != "none" and _sampled(seed, index, cfg.second_opinion_rate):
            reason = gates.second_opinion(final, answer, cfg.second_opinion)
            if reason:
                return reject("second_opinion", reason, text)
        row = self.row(start, final, sol, text, log, seed, index, variant)
        if variant:  # new numbers: none of the defects that numbers alone can bring may come with them
            found = number_defects(row["prompt"], row["completion"], list(sol.values.values()), final)
            if found:
                return reject("defects", "; ".join(sorted(found)), text)
        return Item(row, None, "", log, start, final, text)

    def row(
        self,
        start: Program,
        final: Program,
        sol,
        text: str,
        log: ChainLog,
        seed: int,
        index: int,
        variant: int = 0,
    ) -> dict:
        comp, steps, answer = completion(final, sol)
        problem = final.problem_string()
        identity = f"{self.name}\x1f{problem}\x1f{text}"
        digest = hashlib.blake2b(identity.encode(), digest_size=8).digest()
        # the split is that of the seed instance: every mutant of one instance lands in one split
        seed_digest = hashlib.blake2b(
            f"{start.seed_id}\x1f{start.problem_string()}".encode(), digest_size=8
        ).digest()
        m = measures(final, sol)
        prompt = text if final.family == "word" else text
        row_meta = {
            "seed_id": start.seed_id, "operators": list(final.history), "signature": final.signature(),
            "seed_signature": start.signature(), "difficulty": m, "seed": seed, "index": index,
            "query": list(final.query),
        }  # fmt: skip
        if variant:  # the chain's final program with its givens redrawn (``variants_per_chain``)
            row_meta["variant"] = variant
        return {
            "id": f"{self.name}-{digest.hex()}",
            "rule": self.name,
            "split": _split_of_digest(seed_digest),
            "difficulty": self.config.level,
            "prompt": prompt,
            "completion": comp,
            "problem": problem,
            "answer": answer,
            "steps": steps,
            "meta": _meta_json({**self.config.to_meta(), **row_meta}),
            "_canonical": identity,
        }

    # -- rows in bulk ------------------------------------------------------------------------------------
    def iter_items(self, seed: int = 0, start: int = 0, step: int = 1):
        index = start
        while True:
            yield index, self.item(seed, index)
            index += step

    def generate(
        self,
        n: int,
        seed: int = 0,
        split: str | None = None,
        progress: bool = False,
        stats: Stats | None = None,
        max_items: int | None = None,
    ) -> list[dict]:
        """``n`` distinct rows of ``split`` (None: any), items in index order; a ``ConfigError`` saying how
        close the chains got when the budget of items runs out first."""
        bucket = bucket_of(split)
        if split is not None and split not in SPLITS:
            raise ConfigError(f"mutated data has the splits {', '.join(SPLITS)}; got {split!r}")
        stats = stats if stats is not None else Stats()
        limit = max_items if max_items is not None else 40 * n + 200
        seen = SeenProblems()
        rows: list[dict] = []
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=n, desc=f"mutating {self.name} L{self.config.level}", unit="row")
        for index in range(limit):
            it = self.item(seed, index)
            stats.add(it)
            for row in it.rows:
                if bucket is not None and row["split"] != bucket:
                    continue
                if not seen.add(row.pop("_canonical")):
                    continue
                rows.append(row)
                if bar is not None:
                    bar.update(1)
                if len(rows) == n:
                    break
            if len(rows) == n:
                break
        if bar is not None:
            bar.close()
        if len(rows) < n:
            gap = (
                f"; chains got within {min(stats.gaps):.2f} of the target difficulty at best (mean gap {sum(stats.gaps) / len(stats.gaps):.2f})"
                if stats.gaps
                else ""
            )
            raise ConfigError(
                f"{self.name}: only {len(rows)} of {n} rows after {limit} items at level {self.config.level} "
                f"(rejections: {dict(stats.rejected)}){gap}"
            )
        return rows


# a variant's exact gate is not run again on its renamed copy when ``exact_carried`` (False: it is run; the
# tests compare the two)
CARRY_EXACT = True
# issue 19 round 15: a variant is a copy of the chain's final program with other stated values (and, with
# ``final_rename``, other people): ``well_formed`` reads its names, definitions, relations, query and which
# descriptions are equal, none of which a draw changes and which a rename keeps when ``exact_carried`` (the
# rename is undone by naming the new people back), so a variant of a final program the gate passed is not
# gated again; and ``gates.unlinked`` (whether the answer depends on a given) reads the definitions,
# relations and which quantities state a value, asked once per chain.  False: each asked per variant (the
# tests compare the two)
FORMED_CARRIED = True
LINKS_CARRIED = True


def exact_carried(before: Program, after: Program) -> bool:
    """Whether the exact gate gives ``after`` = ``final_rename(before)`` the verdict it gives ``before``, with
    the same solution (issue 19 round 11).  The rename changes the people's names in each quantity's
    description, frame, question, short form and event sentence, and nothing else the gate reads (names,
    values, roles, ranges, definitions, qualifiers, ``below``, ``conversion``; the relations).  The gate
    reads descriptions only through ``qualified`` (``links``, ``fixed_rate_total``'s occasions) and by
    equality: ``qualified`` never touches a name (it turns a lowercase verb to the past and appends the
    qualifier), so it commutes with the rename, and the rename keeps equal descriptions equal and distinct
    ones distinct when none of the new names was already in a description (then it is undone by naming the
    new people back).  That, and a program that holds no quantity twice (the gate compares quantities by
    identity, the rename copies each place on its own), is what is checked here."""
    if after.relations is not before.relations or after.query != before.query:
        return False
    qs = before.quantities
    if len(after.quantities) != len(qs) or len({id(x) for x in qs}) != len(qs):
        return False
    new = set(after.meta.get("people", {}).values()) - set(before.meta.get("people", {}).values())
    return not any(n in x.desc for x in qs if x.desc for n in new)


def final_rename(p: Program, rng, ctx, record: bool = True, renamer: Renamer | None = None) -> Program:
    """``p`` with its people renamed (the ``rename`` operator) and its sentence variant drawn afresh: every
    generic sentence frame picks its wording by a hash of (variant, quantity), so a variant counted up by
    one rename per chain gave most rows the same few wordings.  The formal problem is unchanged.
    ``renamer``: ``operators.Renamer`` of the program ``p`` is a copy of with other stated values (the
    chain's variants; issue 19 round 15), which renames as the operator does."""
    got = renamer(p, rng) if renamer is not None else OPERATORS["rename"].fn(p, rng, ctx)
    out = got[0] if got is not None else p
    history = (*p.history, "rename") if record else p.history
    return replace(out, variant=rng.randrange(1, 1 << 16), history=history).same_formal_problem_as(p)


# draws per variant until its solution respects every role, range and the answer class; a variant that
# gets none ends the item's variants.  Most draws are refused by the screen (``_screen``, ``_unpinned``:
# ~15-30 us, against ~0.1 ms for a replayed solve), so round 3's 8 became 32 (issue 19 round 4: more
# rows per chain, more rows per CPU second)
VARIANT_DRAWS = 32
# the collector's first-generation threshold while an item is made (``MutationEngine.item``); None: the
# interpreter's thresholds left alone
GC_GEN0: int | None = 10_000
# the older objects frozen while an item is made (``MutationEngine.item``; False: not), and one full
# collection every ``GC_FULL_EVERY`` such items (the interpreter's own thresholds gave ~4 a 1,000 items at
# level 3, K = 16, each walking every object of the process; at 1,000 the one collection cost about as much
# as those four, as dicts left tracked add up between collections; issue 19 round 19)
GC_FREEZE = True
GC_FULL_EVERY = 5000
_FROZEN_ITEMS = [0]  # frozen items since the last of those collections (all engines of the process)
# a row's meta: what ``json.dumps(meta, sort_keys=True)`` writes (that makes this very encoder per call;
# issue 19 round 8)
_META_JSON = json.JSONEncoder(sort_keys=True)
# ... by one C encoder made once, as ``_META_JSON.encode`` makes one per call (with its circular-reference
# markers, empty again after each encoding and emptied when one fails; issue 19 round 13).  False:
# ``_META_JSON.encode`` (the tests compare the two)
META_ENCODER = True
_META_MARKERS: dict = {}
_META_C = (
    c_make_encoder(
        _META_MARKERS,
        _META_JSON.default,
        encode_basestring_ascii,
        None,
        _META_JSON.key_separator,
        _META_JSON.item_separator,
        True,
        False,
        True,
    )  # fmt: skip
    if c_make_encoder is not None
    else None
)


def _meta_json(meta: dict) -> str:
    """``_META_JSON.encode(meta)``."""
    if not META_ENCODER or _META_C is None:
        return _META_JSON.encode(meta)
    try:
        return "".join(_META_C(meta, 0))
    except BaseException:
        _META_MARKERS.clear()
        raise


# a draw of values already tried by this item (the chain's row, an earlier variant) is drawn again, not
# sent through the gates to be dropped as a repeat
FRESH = True


# draws refused by following the final program's recorded plan (``_screen``) before the copy is built and
# solved: most draws break a role or a range, and the screen finds that in a fraction of a solve
SCREEN = True  # False: every draw built, solved and gated (the tests and the benchmark compare the two)
# the screen also refuses a draw whose known values (stated, drawn, or derived by the plan) give a whole unit
# or more to spare (``gates.spare_unit``): the exact gate refuses it too (issue 19 round 10; False: not)
SPARE = True


def _screen(p: Program, answer_class: str):
    """``refuse(values)`` for the draws of ``p``'s variants: True when the exact gate would refuse
    ``p.with_values(values)`` because a value that ``p``'s recorded plan derives from them breaks its
    role, its range, the bounds or the answer class (``solver.refuter``: sound for rejection, so a draw
    it refuses is one ``gates.exact`` refuses, and the rows are the same with and without it).  None when
    ``p`` has no recorded plan."""
    from .solver import plan_of, refuter

    solve(p)
    trace = plan_of(p)
    if trace is None:
        return None
    refuted = refuter(p, trace)
    refuse = _refuser(p, answer_class)
    stated = {x.name: (x.value.numerator if x.value.denominator == 1 else x.value)
              for x in p.quantities if x.value is not None}  # fmt: skip
    # (a quantity, the one that bounds it) for ``gates.spare_unit`` (``gates.links``)
    spare = tuple((p.quantities[i].name, below) for i, below in gates.links(p)[0]) if SPARE else ()

    def screen(values: dict) -> bool:
        known = dict(stated)
        for name, v in values.items():
            v = v.numerator if v.denominator == 1 else v
            if refuse(name, v):
                return True
            known[name] = v
        if refuted(known, refuse):
            return True
        for name, below in spare:  # a whole unit or more to spare, both values known (issue 19 round 10)
            v, cap = known.get(name), known.get(below)
            if v is not None and cap is not None and v >= cap:
                return True
        return False

    return screen


# a variant's draw from a range takes ``rng._randbelow(n + 1)`` where the plain draw says ``rng.randint(0, n)``:
# ``random.Random.randint(a, b)`` is ``randrange(a, b + 1)``, which for whole ``a = 0 <= b`` and step 1 returns
# ``0 + self._randbelow(b + 1)`` after checking its arguments (the same call on the same generator, so the same
# value and the same state after; issue 19 round 14: two Python frames less per drawn value, ~25,000 per 150
# level-3 items at K = 16).  False: ``randint`` (the tests compare the two)
FAST_DRAWS = True
# numbers that pin an unknown (``_unpinned``) computed from a value drawn for it, instead of held fixed
UNPIN = True  # False: only the givens redrawn (round 3's draws)


def _refuser(p: Program, answer_class: str):
    """``refuse(name, value)``: True when ``gates.exact`` refuses that value of that quantity of ``p``
    (its role, range, the bounds; the answer class for the query)."""
    by_name, query = p.by_name, set(p.query)
    checks = {name: x.check for name, x in by_name.items()}  # (integral, positive, lo, hi, hundredths)
    bound = gates.BOUND

    def refuse(name, v) -> bool:
        if type(v) is int:  # a whole value: ``value_reason``'s checks of one (issue 19 round 10)
            c = checks.get(name)
            if c is None:
                return False
            if c[1] and v <= 0 or v > bound or v < -bound:
                return True
            lo = c[2]
            return lo is not None and not lo <= v <= c[3]  # a whole answer keeps every class
        x = by_name.get(name)
        if x is None:
            return False
        if gates.value_reason(x, v) is not None:
            return True
        return name in query and not gates.answer_class_ok(p, Fraction(v), answer_class)

    return refuse


def _pins(p: Program) -> list[tuple[str, str]]:
    """(an unknown u with a declared range, the stated number that pins it): the number a relation states
    alone on its right side for its target ("a third of u is 12", "u, h and i add up to 19", "3(u + 2)
    is 24": the operator computed it from u's value), and an observed quantity whose definition ``p``'s
    plan solves for u ("the cost of the carpet is 624 dollars" for the length).  Holding these fixed while
    the givens are redrawn leaves few draws valid (u must stay whole and in its range)."""
    from .solver import SOLVED, _setup, plan_of

    out: list[tuple[str, str]] = []
    by_name = p.by_name

    def free(u: str, c: str) -> bool:
        x = by_name.get(u)
        return (
            x is not None and x.kind == "unknown" and x.lo is not None and x.hi is not None
            and all(u != a and c != b for a, b in out)
        )  # fmt: skip

    for r in p.relations:
        c = by_name.get(r.rhs.name) if type(r.rhs) is Sym else None
        if (
            c is not None
            and c.inline
            and c.value is not None
            and c.name in r.params
            and free(r.target, c.name)
        ):
            out.append((r.target, c.name))
    trace = plan_of(p)
    if trace:
        eqs = _setup(p, ())[1]
        for ev in trace:
            if ev[0] != SOLVED:
                continue
            eq = eqs[ev[1]]
            o = by_name.get(eq.lhs.name) if type(eq.lhs) is Sym else None
            if o is not None and o.kind == "observed" and o.expr is eq.rhs and free(ev[2], o.name):
                out.append((ev[2], o.name))
    return out


def _unpinned(p: Program, answer_class: str):
    """``unpin(values, rng)`` for the variants of ``p`` when it has pinned numbers (``_pins``), else None:
    each pinned unknown u is drawn from its range too, and the number that pins it is computed from it,
    by following the recorded plan of ``p`` with u stated and that number not (``solver.refuter``, every
    value it derives checked as ``gates.exact`` checks it; a computed number must be positive and whole,
    or whole hundredths where u's role allows: stricter than needed for an observed money amount of a
    counted u, which its own role would let be 12.50).  Returns the stated values of the copy (the
    givens, then the computed numbers), or None when a value is refused or a number cannot be computed.
    The copy still goes through the exact gate and every other gate."""
    from .solver import plan_of, refuter

    pins = _pins(p)
    if not pins:
        return None
    sol = solve(p)
    if sol.status != "ok" or any(u not in sol.values for u, _ in pins):
        return None
    us, cs = {u for u, _ in pins}, {c for _, c in pins}
    fwd = replace(
        p,
        quantities=tuple(
            replace(x, value=sol.values[x.name]) if x.name in us
            else replace(x, value=None) if x.name in cs else x
            for x in p.quantities
        ),
    )  # fmt: skip
    got = solve(fwd)
    if got.status != "ok" or any(c not in got.values for c in cs):
        return None
    trace = plan_of(fwd)
    if trace is None:
        return None
    refuted, refuse = refuter(fwd, trace), _refuser(p, answer_class)
    before_block = refuted.before_block
    spare = tuple((p.quantities[i].name, below) for i, below in gates.links(p)[0]) if SPARE else ()
    stated = {x.name: _whole(x.value) for x in fwd.quantities if x.value is not None}
    draws = []
    for u, c in pins:
        x = p.by_name[u]
        whole = ROLES[x.role][0]
        draws.append((u, c, _whole(x.lo), _whole(x.step), int((x.hi - x.lo) / x.step), whole))

    def unpin(values: dict, rng) -> dict | None:
        known = dict(stated)
        for name, v in values.items():
            v = _whole(v) if type(v) is not int else v
            if refuse(name, v):
                return None
            known[name] = v
        for u, _c, lo, step, n, _w in draws:
            # ``rng.randint(0, n)``: ``randrange(0, n + 1)``, which is ``_randbelow(n + 1)`` for a whole n >= 0
            v = lo + step * (rng._randbelow(n + 1) if FAST_DRAWS and n >= 0 else rng.randint(0, n))
            v = _whole(v) if type(v) is not int else v
            if refuse(u, v):
                return None
            known[u] = v
        if refuted(known, refuse):
            return None
        for name, below in spare:  # a whole unit or more to spare, as ``_screen`` (issue 19 round 10)
            v, cap = known.get(name), known.get(below)
            if v is not None and cap is not None and v >= cap:
                return None
        out = dict(values)
        for _u, c, *_rest, whole in draws:
            # a number the plan derives only past a linear block is not taken (the refuter stopped at the
            # first block until issue 19 round 9; the rows stay those of that refuter)
            v = known.get(c) if c in before_block else None
            if v is None or v <= 0 or (v.denominator != 1 if whole else (v * 100).denominator != 1):
                return None
            out[c] = v
        return out

    unpin.pinned = [c for _, c in pins]
    return unpin


def redrawable(p: Program) -> list[Quantity]:
    """The quantities a variant redraws: the stated givens and distractors with a declared range (what
    ``perturb`` draws from; a unit conversion's stated number on its base quantity's grid).  Relation
    numbers (``k``), observed values and what is derived stay."""
    return [
        x for x in p.quantities
        if x.kind == "given" and not x.inline and x.lo is not None and x.hi is not None
        and (not x.conversion or _converted(p, x.name) is not None)
    ]  # fmt: skip


def _converted(p: Program, name: str) -> tuple[Quantity, Fraction] | None:
    """(the quantity stated through the conversion ``name``, the factor), or None."""
    from ..expr.nodes import Div, Num, Sym

    for x in p.quantities:
        e = x.expr
        if type(e) is Div and type(e.num) is Sym and e.num.name == name and type(e.den) is Num:
            if x.lo is not None and x.hi is not None:
                return x, Fraction(e.den.value)
    return None


def _redraw_plan(p: Program) -> list[tuple[str, Any]]:
    """(name, draw) for each quantity of ``redrawable``: ``draw(rng)`` is a value from its range and grid
    (a conversion's number on its base quantity's grid, at most 4 digits as ``unit_convert`` states it,
    else the value it had)."""
    plan = []
    for x in redrawable(p):
        if x.conversion:
            base, factor = _converted(p, x.name)
            lo, step, n, old = (
                _whole(base.lo * factor),
                _whole(base.step * factor),
                int((base.hi - base.lo) / base.step),
                x.value,
            )

            if FAST_DRAWS and n >= 0:

                def draw(rng, lo=lo, step=step, w=n + 1, old=old):
                    v = lo + step * rng._randbelow(w)  # ``rng.randint(0, w - 1)`` (``FAST_DRAWS``)
                    return v if v < 10_000 else old

            else:

                def draw(rng, lo=lo, step=step, n=n, old=old):
                    v = lo + step * rng.randint(0, n)
                    return v if v < 10_000 else old

        else:
            n = int((x.hi - x.lo) / x.step)
            if FAST_DRAWS and n >= 0:

                def draw(rng, lo=_whole(x.lo), step=_whole(x.step), w=n + 1):
                    return lo + step * rng._randbelow(w)  # ``rng.randint(0, w - 1)`` (``FAST_DRAWS``)

            else:

                def draw(rng, lo=_whole(x.lo), step=_whole(x.step), n=n):
                    return lo + step * rng.randint(0, n)  # an int when lo and step are: Fractions are slow

        plan.append((x.name, draw))
    return plan


def _whole(v: Fraction):
    return v.numerator if v.denominator == 1 else v


def redraw(p: Program, rng) -> Program:
    """``p`` with every quantity of ``redrawable`` drawn afresh from its range and grid."""
    return p.with_values({name: draw(rng) for name, draw in _redraw_plan(p)})


def _distinct_distractors(p: Program, answers: set) -> Program:
    """A distractor whose number is the answer (or another distractor's) moves to the next value of its
    range that is neither: nothing depends on it, and "the answer appears in the text" would reject the
    row otherwise."""
    taken = set(answers)
    out = p
    for x in p.quantities:
        if not x.distractor or x.value is None or x.lo is None:
            continue
        if x.value in taken:
            span = int(x.hi - x.lo) + 1
            for j in range(1, span):
                v = x.lo + (x.value - x.lo + j) % span
                if v not in taken:
                    out = out.with_quantity(replace(x, value=v))
                    taken.add(v)
                    break
        else:
            taken.add(x.value)
    return out


def _sampled(seed: int, index: int, rate: float) -> bool:
    if rate <= 0:
        return False
    h = hashlib.blake2b(f"second\x1f{seed}\x1f{index}".encode(), digest_size=4).digest()
    return int.from_bytes(h, "little") < rate * 2**32
