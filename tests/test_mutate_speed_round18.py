"""Issue 19 item 3, round 18: fewer objects in the caches for the cyclic garbage collector to walk.

A tuple that holds a node, a ``Fraction``, a dict or an instance of a class stays tracked, and every full
collection walks it while it stays in a cache.  The caches now keep ints, strings and tuples of them, which a
collection stops tracking:

- ``solution._SHOWN`` and ``_TEMPLATES`` map (node id, what is shown) to the text alone, a value as its
  numerator and denominator; the nodes are kept apart (``_SHOWN_NODES``, ``_TEMPLATE_NODES``) so that an id
  cannot be reused, and cleared with the entries;
- ``program._FREE`` maps a node id to its names, the node kept apart as above;
- a value frame is a tuple (text before the number, text after it), read by ``frames.frame_value``;
- ``frames._relation_matches`` keeps a match's groups as (name, text) pairs.

The rows are compared with the commit before this round in separate processes by
``benchmarks/mutation_round9_speed.py --base 879dba1`` (identical at K = 1 and 16); not here: a test cannot
assume the repository's history.  ``test_mutate_speed_round13``/``round16`` compare the rows with the
memos on and off.
"""

import gc
from fractions import Fraction

from mutation_rows import make_items, tracked

from hf_mathrules.expr.nodes import Add, Num, Sym
from hf_mathrules.mutate import frames, program, solution


def test_the_caches_entries_are_untracked_and_their_nodes_kept():
    make_items(20)
    # a tuple that holds only untracked objects is untracked by a collection: one level of nesting each
    for _ in range(4):
        gc.collect()
    shown, templates, free = dict(solution._SHOWN), dict(solution._TEMPLATES), dict(program._FREE)
    assert len(shown) > 200 and len(templates) > 50 and len(free) > 200
    for cache, nodes in ((shown, solution._SHOWN_NODES), (templates, solution._TEMPLATE_NODES)):
        for key, text in cache.items():
            assert not tracked(key) and type(text) is str, (key, text)
            assert key[0] in nodes and id(nodes[key[0]]) == key[0]
    for key in free:
        assert id(program._FREE_NODES[key]) == key
    frames_seen = 0
    for t in frames._MADE[1]:
        for made in t.made.values():
            if type(made) is tuple:  # a value frame (a story's quantities are ``Quantity`` objects)
                assert not gc.is_tracked(made) and all(type(x) is str for x in made), made
                frames_seen += 1
    assert frames_seen > 50


def test_a_shown_value_is_keyed_by_its_number_not_its_type():
    """A whole value shows the same whether it is an ``int`` or a ``Fraction``, and a fraction by its
    numerator and denominator: the key holds no ``Fraction`` object."""
    e = Add((Sym("a"), Num(2)))
    solution._SHOWN.clear()
    solution._SHOWN_NODES.clear()
    first = solution._show(e, {"a": Fraction(3)})
    assert solution._show(e, {"a": 3}) == first
    assert len(solution._SHOWN) == 1
    half = solution._show(e, {"a": Fraction(1, 2)})
    assert half != first and len(solution._SHOWN) == 2
    assert not any(isinstance(x, Fraction) for key in solution._SHOWN for part in key[1] for x in part)
    assert solution._show_plain(e, {"a": Fraction(1, 2)}, program.free_names(e)) == half


def test_a_value_frame_reads_the_number_between_its_texts():
    f = frames._value_frame("Ana has {v} apples.")
    assert f == ("Ana has ", " apples.")
    assert frames.frame_value(f, "Ana has 12 apples.") == "12"
    assert frames.frame_value(f, "Ana has 3/4 apples.") == "3/4"
    assert frames.frame_value(f, "Ana has many apples.") is None
    assert frames.frame_value(f, "Ana has  apples.") is None
    assert frames.frame_value(f, "Bo has 12 apples.") is None
