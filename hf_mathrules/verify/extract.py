"""Find the final answer in a full completion: the last ``\\boxed{}``, our datasets' ``Answer:`` line,
"the (final) answer is ...", the final ``x = ...`` line, else the last ``$...$`` span.  Plain text only:
regexes and brace matching, bounded by the completion length limit."""

from __future__ import annotations

import re

from .limits import Limits, TooLarge

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_ANSWER_LINE = re.compile(
    r"^\s*(?:\*\*)?(?:final\s+)?answer\s*(?:\*\*)?\s*[:：]\s*(?:\*\*)?(.+?)\s*$", re.I | re.M
)
_FINAL_ANSWER = re.compile(r"final\s+answer\s*[:：]\s*(.+?)\s*$", re.I | re.M)
_ANSWER_IS = re.compile(r"(?:final\s+answer|the\s+answer)\s+is\s*[:：]?\s*", re.I)
_ASSIGN_LINE = re.compile(r"^\s*[A-Za-z][A-Za-z0-9_]*\s*=\s*[^=]+$")
_SPANS = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|\$(.+?)\$", re.S)
_TAIL = re.compile(r"\s*(?:\.|I hope it is correct\.?|$)\s*$", re.I)


def _boxed_contents(text: str) -> list[str]:
    out = []
    for m in _BOXED.finditer(text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
            i += 1
        if depth == 0:
            out.append(text[m.end() : i - 1])
    return out


def _strip_box_rest(seg: str) -> str:
    """The text after a box's closing brace within a split segment."""
    depth = 1
    for i, ch in enumerate(seg):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return (
                    seg[i + 1 :]
                    .replace("$", "")
                    .replace("\\(", "")
                    .replace("\\)", "")
                    .replace("\\[", "")
                    .replace("\\]", "")
                    .strip(" .")
                )
    return seg


def _math_span(s: str, last: bool = True) -> str | None:
    spans = [next(g for g in m.groups() if g is not None) for m in _SPANS.finditer(s)]
    spans = [x for x in spans if x.strip()]
    if not spans:
        return None
    return spans[-1] if last else spans[0]


_SPECIAL = re.compile(r"<\|(?:im_start|im_end|endoftext|eot_id)\|>.*", re.S)
_DOUBLED = re.compile(r"\\\\(?=[A-Za-z])")
_SEP_ONLY = re.compile(r"^(?:\s|,|;|and|or|\\quad|\\text\{\s*(?:and|or)\s*\})*$", re.I)
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?")
_PROSE = re.compile(r"(?:\b[A-Za-z']{2,}\s+){2,}")


def last_number(text: str) -> str | None:
    """The last number in prose ("... which is 1,000.99 euros") or None."""
    found = _NUMBER.findall(text)
    return found[-1].rstrip(",") if found else None


def is_prose(text: str) -> bool:
    return bool(_PROSE.search(text))


def extract_answer(text: str, limits: Limits | None = None) -> str:
    """The answer part of ``text`` (the text itself when it already is a bare answer)."""
    limits = limits or Limits()
    if len(text) > limits.max_completion_length:
        raise TooLarge(f"completion is {len(text)} characters, limit is {limits.max_completion_length}")
    s = _SPECIAL.sub("", _DOUBLED.sub(r"\\", text)).strip()
    boxed = _boxed_contents(s)
    line_matches = list(_ANSWER_LINE.finditer(s)) or list(_FINAL_ANSWER.finditer(s))
    last_box = max((m.start() for m in _BOXED.finditer(s)), default=-1)
    if boxed and line_matches and line_matches[-1].start() > last_box:
        boxed = []  # a final "Answer:" line after the last box is the answer
    if len(boxed) > 1:
        # several boxes: all of them when only separators stand between them, else the last
        between = _BOXED.split(s)
        tail_ok = all(_SEP_ONLY.match(_strip_box_rest(seg)) for seg in between[1:])
        if tail_ok:
            return ", ".join(dict.fromkeys(b.strip() for b in boxed))
    if boxed:
        return boxed[-1].strip()
    lines = _ANSWER_LINE.findall(s) or _FINAL_ANSWER.findall(s)
    if lines:
        ans = re.sub(r"\s*I hope it is correct\.?\s*$", "", lines[-1].strip(), flags=re.I)
        ans = re.sub(r"^.*?\b(?:answer|it|this|result|value)?\s*\bis\s+", "", ans, count=1, flags=re.I | re.S)
        span = _math_span(ans, last=False)
        if span is None and is_prose(ans):
            return last_number(ans) or ans
        return (span or ans).strip().rstrip(".").strip()
    matches = list(_ANSWER_IS.finditer(s))
    if matches:
        rest = s[matches[-1].end() :].strip()
        span = _math_span(rest, last=False)
        if span is not None and rest.startswith(("$", "\\[", "\\(")):
            return span.strip()
        first = rest.split("\n", 1)[0]
        first = re.split(r"\.\s", first + " ", maxsplit=1)[0]
        return _TAIL.sub("", first).strip() or rest
    if "\n" in s:
        for line in reversed(s.splitlines()):
            if _ASSIGN_LINE.match(line.strip().strip("$")):
                return line.strip().strip("$").strip()
    spans = [next(g for g in m.groups() if g is not None) for m in _SPANS.finditer(s)]
    if len(spans) > 1 and _SEP_ONLY.match(_SPANS.sub("", s)):
        return ", ".join(x.strip() for x in spans)
    span = _math_span(s)
    if span is not None and span.strip() != s:
        return span.strip()
    if is_prose(s) and not spans:
        return last_number(s) or s
    if "\n" in s:
        return s.splitlines()[-1].strip() or s
    return s
