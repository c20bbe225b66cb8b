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
# math spans; an escaped dollar \\$ is a currency sign inside the math, not a delimiter
_SPANS = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|(?<!\\)\$(.+?)(?<!\\)\$", re.S)
_UNCLOSED_TAIL = re.compile(r"[\s$.]*(?:\\[\])])?[\s$.]*$")
_LABEL = re.compile(r"(?<![\\A-Za-z0-9}])([A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)\s*=\s*$")
_CONCLUSION = re.compile(
    r"\b(?:therefore|thus|hence|so|in conclusion|in total|altogether|overall)\b(?:[^.!?\n]|\.\d)*\d"
    r"(?:[^.!?\n]|\.\d)*",
    re.I,
)
_LONG_WORD = re.compile(r"(?<![A-Za-z0-9\\])[A-Za-z]{4,}(?![A-Za-z0-9])")
_CONNECTIVE = re.compile(r"(?:^|[\s,}])(?:and|or)\b")
_MATHY = re.compile(r"[\\=^*/()\[\]{}<>|_]")
_TAIL = re.compile(r"\s*(?:\.|I hope it is correct\.?|$)\s*$", re.I)


def _boxes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of each ``\\boxed{...}``; an unclosed last box runs to the end of the text."""
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
            out.append((m.start(), i, text[m.end() : i - 1]))
        elif not _BOXED.search(text, m.end()):
            out.append((m.start(), len(text), _UNCLOSED_TAIL.sub("", text[m.end() :])))
    return out


def _delimiters_removed(seg: str) -> str:
    for d in ("$", "\\(", "\\)", "\\[", "\\]", '"'):
        seg = seg.replace(d, "")
    return seg.strip(" .")


def _connected(between: str) -> bool:
    """A reference's boxes form one answer when a connective or no words at all stand between them
    ("1 papers and 2 bins", "35 cm ++ 4"), not other words ("1 no no no 2")."""
    return len(between) <= 40 and (not re.search(r"[A-Za-z]", between) or bool(_CONNECTIVE.search(between)))


def _final_run(text: str, boxes: list, relaxed: bool = False, keep: bool = False) -> list:
    """The last box and the boxes before it with only separators ("and", ",", "\\quad") between them
    (``relaxed``: any connective); their contents, or with ``keep`` the (start, end, content) boxes."""
    run = [boxes[-1]]
    for prev in reversed(boxes[:-1]):
        between = _delimiters_removed(text[prev[1] : run[0][0]])
        if not (_SEP_ONLY.match(between) or relaxed and _connected(between)):
            break
        run.insert(0, prev)
    return run if keep else [b[2].strip() for b in run]


def boxed_answers(text: str) -> list[str]:
    """The final run of boxes of a completion (after ``</think>``) joined by any connective ("(3, 3) for
    part (a) and (1, 1)"), in order; a box written as ``y_1 = \\boxed{...}`` keeps its ``y_1 =``."""
    s = _final_part(_DOUBLED.sub(r"\\", text))
    boxes = _boxes(s)
    if not boxes:
        return []
    run = _final_run(s, boxes, relaxed=True, keep=True)
    out = []
    for start, _, content in run:
        m = _LABEL.search(_delimiters_removed(s[max(0, start - 40) : start]) + " ")
        out.append(f"{m.group(1)} = {content.strip()}" if m else content.strip())
    return out


def _final_part(s: str) -> str:
    head, sep, tail = s.rpartition("</think>")
    return tail if sep and tail.strip() else s


def _math_span(s: str, last: bool = True) -> str | None:
    spans = [_span_text(m) for m in _spans(s)]
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


def _spans(s: str) -> list[re.Match]:
    return [m for m in _SPANS.finditer(s) if next(g for g in m.groups() if g is not None).strip()]


def _span_text(m: re.Match) -> str:
    return next(g for g in m.groups() if g is not None).strip()


def _joined_spans(s: str, found: list[re.Match] | None = None) -> str | None:
    """``$12$ and $13$``: several spans with only separators around them, as one list."""
    found = _spans(s) if found is None else found
    if len(found) > 1 and _SEP_ONLY.match(_SPANS.sub("", s).replace('\\"', "").replace('"', "").strip(" .")):
        return ", ".join(_span_text(m) for m in found)
    return None


def _conclusion_number(s: str, found: list[re.Match]) -> str | None:
    """A number stated only in prose after the last math: "Therefore, there are 12 sequences."."""
    tail = s[found[-1].end() :] if found else s
    if not is_prose(tail):
        return None
    sentences = _CONCLUSION.findall(tail)
    return last_number(sentences[-1]) if sentences else None


def is_wordy_number(s: str) -> bool:
    """Words and a number but no mathematical notation at all ("Soucis : 2,74 $ a..")."""
    return bool(_LONG_WORD.search(s)) and not _MATHY.search(s) and bool(_NUMBER.search(s))


def extract_answer(text: str, limits: Limits | None = None, reference: bool = False) -> str:
    """The answer part of ``text`` (the text itself when it already is a bare answer).  The final run of
    boxes is the answer (for a ``reference``, boxes joined by any connective: "1 papers and 2 bins")."""
    limits = limits or Limits()
    if len(text) > limits.max_completion_length:
        raise TooLarge(f"completion is {len(text)} characters, limit is {limits.max_completion_length}")
    s = _final_part(_SPECIAL.sub("", _DOUBLED.sub(r"\\", text))).strip()
    boxes = _boxes(s)
    line_matches = list(_ANSWER_LINE.finditer(s)) or list(_FINAL_ANSWER.finditer(s))
    if boxes and line_matches and line_matches[-1].start() > boxes[-1][0]:
        boxes = []  # a final "Answer:" line after the last box is the answer
    if boxes:
        contents = _final_run(s, boxes, relaxed=reference)
        return ", ".join(dict.fromkeys(contents))
    lines = _ANSWER_LINE.findall(s) or _FINAL_ANSWER.findall(s)
    if lines:
        ans = re.sub(r"\s*I hope it is correct\.?\s*$", "", lines[-1].strip(), flags=re.I)
        ans = re.sub(r"^.*?\b(?:answer|it|this|result|value)?\s*\bis\s+", "", ans, count=1, flags=re.I | re.S)
        joined = _joined_spans(ans)
        if joined:
            return joined
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
    found = _spans(s)  # once: a completion may be a megabyte
    concluded = _conclusion_number(s, found)
    if concluded:
        return concluded
    if "\n" in s:
        for line in reversed(s.splitlines()):
            if _ASSIGN_LINE.match(line.strip().strip("$")):
                return line.strip().strip("$").strip()
    joined = _joined_spans(s, found)
    if joined:
        return joined
    span = _span_text(found[-1]) if found else None
    if span is not None and span.strip() != s:
        return span.strip()
    if (is_prose(s) or is_wordy_number(s)) and span is None:
        return last_number(s) or s
    if "\n" in s:
        return s.splitlines()[-1].strip() or s
    return s
