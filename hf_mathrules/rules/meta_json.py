"""The ``meta`` column's JSON, written faster than ``json.dumps(meta, sort_keys=True)`` and byte-identical
to it.  Every row's meta is the rule's config (the same for all its rows, so encoded once) plus a few
per-row values (variable names, seed, index); only those are encoded per row, and the common value
types (str, int, list of str) skip the encoder machinery."""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any

ENCODER = json.JSONEncoder(sort_keys=True)  # what json.dumps(..., sort_keys=True) builds per call


def encode_value(value: Any) -> str:
    """``json.dumps(value, sort_keys=True)``."""
    t = type(value)
    if t is str:
        return encode_basestring_ascii(value)
    if t is int:
        return int.__repr__(value)
    if t is list and all(type(v) is str for v in value):
        return "[" + ", ".join([encode_basestring_ascii(v) for v in value]) + "]"
    return ENCODER.encode(value)


def encode_values(mapping: dict[str, Any]) -> dict[str, str] | None:
    """Each value of a str-keyed mapping encoded, or ``None`` when a key is not a str (those go through
    ``json.dumps``, which converts and may reject them)."""
    if not all(type(k) is str for k in mapping):
        return None
    return {k: encode_value(v) for k, v in mapping.items()}


def encode_object(encoded: dict[str, str]) -> str:
    """A JSON object from already encoded values, keys sorted as ``sort_keys=True`` sorts them."""
    return "{" + ", ".join([encode_basestring_ascii(k) + ": " + encoded[k] for k in sorted(encoded)]) + "}"


def encode_meta(base: dict[str, Any], base_encoded: dict[str, str] | None, row: dict[str, Any]) -> str:
    """``json.dumps({**base, **row}, sort_keys=True)`` where ``base_encoded = encode_values(base)``."""
    row_encoded = encode_values(row)
    if base_encoded is None or row_encoded is None:
        return ENCODER.encode({**base, **row})
    return encode_object({**base_encoded, **row_encoded})


# (base_encoded, extra keys) -> the JSON object as constant text around the per-row slots
_TEMPLATES: dict[tuple[int, tuple], tuple[dict, list[str], list[str]]] = {}
_ROW_KEYS = ("variables", "seed", "index")


def _template(base_encoded: dict[str, str], extra_keys: tuple) -> tuple[dict, list[str], list[str]]:
    """The sorted object split into constant text and slots: ``texts[i]`` comes before slot ``slots[i]``
    and ``texts[-1]`` closes the object."""
    row_keys = set(_ROW_KEYS) | set(extra_keys)
    texts, slots, buf = [], [], "{"
    for i, k in enumerate(sorted(set(base_encoded) | row_keys)):
        buf += (", " if i else "") + encode_basestring_ascii(k) + ": "
        if k in row_keys:
            texts.append(buf)
            slots.append(k)
            buf = ""
        else:
            buf += base_encoded[k]
    texts.append(buf + "}")
    if len(_TEMPLATES) > 1000:
        _TEMPLATES.clear()
    entry = _TEMPLATES[(id(base_encoded), extra_keys)] = (base_encoded, texts, slots)
    return entry


def row_meta_json(
    base: dict[str, Any], base_encoded: dict[str, str], variables: Any, seed: int, index: int, extra: dict
) -> str:
    """``encode_meta(base, base_encoded, {"variables": variables, "seed": seed, "index": index, **extra})``
    for int ``seed`` and ``index``, with the base's text laid out once per set of keys."""
    extra_keys = tuple(extra)
    if any(type(k) is not str or k in _ROW_KEYS for k in extra_keys):
        return encode_meta(
            base, base_encoded, {"variables": variables, "seed": seed, "index": index, **extra}
        )
    entry = _TEMPLATES.get((id(base_encoded), extra_keys))
    if entry is None or entry[0] is not base_encoded:
        entry = _template(base_encoded, extra_keys)
    _, texts, slots = entry
    if type(variables) is list:
        try:  # a list of str, the usual case (anything else raises and takes encode_value)
            names = "[" + ", ".join([encode_basestring_ascii(v) for v in variables]) + "]"
        except TypeError:
            names = encode_value(variables)
    else:
        names = encode_value(variables)
    values = {"variables": names, "seed": int.__repr__(seed), "index": int.__repr__(index)}
    out = []
    for text, k in zip(texts, slots):
        out.append(text)
        out.append(values[k] if k in values else encode_value(extra[k]))
    out.append(texts[-1])
    return "".join(out)
