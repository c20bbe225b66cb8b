"""Find the final answer in a full completion: the last ``\\boxed{}``, our datasets' ``Answer:`` line,
"the (final) answer is ...", the final ``x = ...`` line, else the last ``$...$`` span.  Plain text only:
regexes and brace matching, bounded by the completion length limit.

Every scan here is linear in the text: this runs in the caller's thread before any worker timeout applies,
on completions of up to a megabyte.  Patterns that a plain regex would retry from every position of a
long run (unclosed openers, blank lines, runs of spaces, "so so so ...") are rewritten so that one attempt
consumes the run: atomic pieces written ``(?=(X))\\1``, a per-line ``(.*)`` trimmed in Python instead of
``(.+?)\\s*$``, trailing junk stripped from a reversed copy instead of searched for with ``...\\s*$``."""

from __future__ import annotations

import re

from ..prompting import ANSWER_WORD
from .limits import DEFAULT_LIMITS, Limits, TooLarge

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_BRACE = re.compile(r"[{}]")
# "Answer: x" at the start of a line.  The head is atomic; the line from the first non-space after the
# colon is taken whole and trimmed by _line_answer (same result as ``(.+?)\s*$``, without retrying
# ``\s*$`` at every position of a run of spaces).  Starting at the first non-blank line (``[^\S\n]*``,
# not ``\s*``) finds the same answers without rescanning a run of blank lines from each of its lines.
# the word "answer" in the languages graders' multilingual tests use (lighteval); the first is the word of
# our rows' ``Answer:`` line (hf_mathrules.prompting, which writes it and reads it back in our own rows:
# this reader takes foreign completions too)
_ANSWER_WORD = (
    r"(?:"
    + re.escape(ANSWER_WORD.lower())
    + r"|r[ée]ponse|antwort|respuesta|resposta|risposta|ответ|答案|回答|解答|정답|jawaban)"
)
_ANSWER_LINE = re.compile(
    r"^[^\S\n]*(?:\*\*)?(?:final\s+)?"
    + _ANSWER_WORD
    + r"(?=(\s*))\1(?:\*\*(?=(\s*))\2)?[:：](?=(\s*))\3(?P<stars>\*\*)?(?P<rest>.*)",
    re.I | re.M,
)
_FINAL_ANSWER = re.compile(r"final\s+answer(?=(\s*))\1[:：](?=(\s*))\2(?P<stars>)(?P<rest>.*)", re.I | re.M)
_ANSWER_IS = re.compile(
    r"(?:(?:final\s+answer|the\s+answer)\s+is"
    r"|la\s+r[ée]ponse(?:\s+finale)?\s+est|die(?:\s+endg[üu]ltige)?\s+antwort\s+ist"
    r"|la\s+respuesta(?:\s+final)?\s+es|a\s+resposta(?:\s+final)?\s+[ée]|la\s+risposta(?:\s+finale)?\s+[èe]"
    r"|(?:最终)?答案(?:是|为))\s*[:：]?\s*",
    re.I,
)
_ASSIGN_LINE = re.compile(r"^\s*[A-Za-z][A-Za-z0-9_]*\s*=[^=]+$")  # ``=\s*[^=]+`` backtracked on spaces
# math spans; an escaped dollar \\$ is a currency sign inside the math, not a delimiter
_SPANS = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|(?<!\\)\$(.+?)(?<!\\)\$", re.S)
_LABEL = re.compile(r"(?<![\\A-Za-z0-9}])([A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)\s*=\s*$")
# A conclusion: the keyword up to the end of its sentence when a number follows it in that sentence
# (group 1), else the second branch consumes the sentence (empty group) so that the next "so" in the
# same sentence is not retried to its end: "so so so ... so" stays linear.  The run before the number is
# atomic (``(?=(X))\2``): it stops only at a digit or at the end of the sentence, so nothing is lost.
_CONCLUSION_WORD = r"\b(?:therefore|thus|hence|so|in conclusion|in total|altogether|overall)\b"
_CONCLUSION = re.compile(
    rf"({_CONCLUSION_WORD}(?=((?:[^.!?\n\d]+|\.\d)*))\2\d(?:[^.!?\n]+|\.\d)*)"
    rf"|{_CONCLUSION_WORD}(?:[^.!?\n]+|\.\d)*",
    re.I,
)
_LONG_WORD = re.compile(r"(?<![A-Za-z0-9\\])[A-Za-z]{4,}(?![A-Za-z0-9])")
_CONNECTIVE = re.compile(r"(?:^|[\s,}])(?:and|or)\b")
_MATHY = re.compile(r"[\\=^*/()\[\]{}<>|_]")
_HOPE = re.compile(r"I hope it is correct\.?\Z", re.I)
_HOPE_LEN = len("I hope it is correct.")
_TRAILING = re.compile(r"[\s$.]*")  # matched on a reversed copy: the junk ending an unclosed box


def _boxes(text: str) -> list[tuple[int, int, int, int]]:
    """(start, end, content start, content end) of each ``\\boxed{...}``; an unclosed last box runs to the
    end of the text (when it is the only unclosed one).  All boxes are matched in one pass over the
    braces with a stack (a scan per box to its closing brace is quadratic when boxes are unclosed or
    nested), and the contents are left to be sliced by whoever needs them (the contents of nested boxes
    add up to quadratic length)."""
    starts = list(_BOXED.finditer(text))
    if not starts:
        return []
    box_at = {m.end() - 1: i for i, m in enumerate(starts)}  # position of a box's "{" -> box index
    ends: list[int | None] = [None] * len(starts)
    stack: list[int] = []  # one entry per open "{": its box index, or -1
    open_boxes, last_brace = 0, starts[-1].end() - 1
    for b in _BRACE.finditer(text, starts[0].end() - 1):
        p = b.start()
        if text[p] == "{":
            i = box_at.get(p, -1)
            stack.append(i)
            open_boxes += i >= 0
        elif stack:
            i = stack.pop()
            if i >= 0:
                ends[i] = p + 1
                open_boxes -= 1
                if not open_boxes and p > last_brace:
                    break  # every box is closed and none follows
    out = [(m.start(), end, m.end(), end - 1) for m, end in zip(starts, ends) if end is not None]
    # A box left open by a completion cut off mid-answer counts, but not when other boxes were left open
    # too: "\\boxed{2\\boxed{2\\boxed{2..." repeated to the length limit is a loop, not an answer.
    if ends[-1] is None and ends.count(None) == 1:
        m = starts[-1]
        out.append((m.start(), len(text), m.end(), m.end() + len(_unclosed_content(text[m.end() :]))))
    return out


def _unclosed_content(t: str) -> str:
    """``t`` less its trailing spaces, dollars and dots, with at most one ``\\]`` or ``\\)`` among them."""
    t = t[: len(t) - _TRAILING.match(t[::-1]).end()]
    if t.endswith(("\\]", "\\)")):
        t = t[:-2]
        t = t[: len(t) - _TRAILING.match(t[::-1]).end()]
    return t


def _delimiters_removed(seg: str) -> str:
    for d in ("$", "\\(", "\\)", "\\[", "\\]", '"'):
        seg = seg.replace(d, "")
    return seg.strip(" .")


def _connected(between: str) -> bool:
    """A reference's boxes form one answer when a connective or no words at all stand between them
    ("1 papers and 2 bins", "35 cm ++ 4"), not other words ("1 no no no 2")."""
    return len(between) <= 40 and (not re.search(r"[A-Za-z]", between) or bool(_CONNECTIVE.search(between)))


def _final_run(
    text: str, boxes: list, relaxed: bool = False, budget: int = DEFAULT_LIMITS.max_completion_length
):
    """The last box and the boxes before it with only separators ("and", ",", "\\quad") between them
    (``relaxed``: any connective), as (start, content) pairs.  The run stops once its contents reach
    ``budget`` characters: only nested boxes (each repeating the boxes inside it) get there, and an
    answer that long is refused as too large anyway."""
    last = boxes[-1]
    run, size = [last], last[3] - last[2]
    for prev in reversed(boxes[:-1]):
        raw = text[prev[1] : run[-1][0]]
        # a gap of bare separators needs no cleaning (cleaning one never turns a match into a mismatch)
        if not _SEP_ONLY.match(raw):
            between = _delimiters_removed(raw)
            if not (_SEP_ONLY.match(between) or relaxed and _connected(between)):
                break
        size += prev[3] - prev[2]
        if size > budget:
            break
        run.append(prev)
    return [(b[0], text[b[2] : b[3]].strip()) for b in reversed(run)]  # built backwards: no front inserts


def boxed_answers(text: str) -> list[str]:
    """The final run of boxes of a completion (after ``</think>``) joined by any connective ("(3, 3) for
    part (a) and (1, 1)"), in order; a box written as ``y_1 = \\boxed{...}`` keeps its ``y_1 =``."""
    s = _final_part(_DOUBLED.sub(r"\\", text))
    boxes = _boxes(s)
    if not boxes:
        return []
    out = []
    for start, content in _final_run(
        s, boxes, relaxed=True, budget=max(len(s), DEFAULT_LIMITS.max_completion_length)
    ):
        m = _LABEL.search(_delimiters_removed(s[max(0, start - 40) : start]) + " ")
        out.append(f"{m.group(1)} = {content}" if m else content)
    return out


def _final_part(s: str) -> str:
    head, sep, tail = s.rpartition("</think>")
    return tail if sep and tail.strip() else s


def _math_span(s: str, last: bool = True) -> str | None:
    spans = [_span_text(s, m) for m in _spans(s)]
    if not spans:
        return None
    return spans[-1] if last else spans[0]


_SPECIAL = re.compile(r"<\|(?:im_start|im_end|endoftext|eot_id)\|>.*", re.S)
_DOUBLED = re.compile(r"\\\\(?=[A-Za-z])")
_SEP_ONLY = re.compile(r"^(?:\s|,|;|and|or|\\quad|\\text\{\s*(?:and|or)\s*\})*$", re.I)
# a scale word belongs to its number ("about 3 million people"): conventions.apply multiplies it out
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?(?: ?(?:thousand|million|billion|trillion)\b)?", re.I)
# Two words, each followed by spaces: ``(?:\b[A-Za-z']{2,}\s+){2,}``, tried once per run of letters and
# apostrophes (the plain pattern restarts at every word boundary inside "a'b'c'd..." and rescans it).
# A run qualifies when a word boundary leaves at least two of its characters: at its start, or between a
# letter and an apostrophe inside it.
_PROSE = re.compile(
    r"(?<![A-Za-z'])(?=([A-Za-z']+))(?=\b[A-Za-z']{2}|[A-Za-z']*?(?:[A-Za-z]'|'[A-Za-z])[A-Za-z'])"
    r"\1\s+\b[A-Za-z']{2,}\s+"
)


def last_number(text: str) -> str | None:
    """The last number in prose ("... which is 1,000.99 euros") or None."""
    found = _NUMBER.findall(text)
    if not found:
        return None
    number = found[-1].rstrip(",")
    # "1,500 thousand": the separators go, so the scale word multiplies the whole number
    return number.replace(",", "") if number[-1].isalpha() else number


def is_prose(text: str) -> bool:
    return bool(_PROSE.search(text))


def _blanked(s: str) -> str:
    """``s`` with the ``\\[`` (``\\(``) openers after the last ``\\]`` (``\\)``) blanked, same length: they
    can never close, and _SPANS would scan to the end of the text from each of them.  ``$`` openers need
    nothing: a later opener is a closer."""
    for opener, closer, blank in (("\\[", "\\]", "\\\x00"), ("\\(", "\\)", "\\\x01")):
        cut = max(0, s.rfind(closer) - 2)  # an opener at p closes only at a closer at p + 3 or later
        if opener in s[cut:]:
            s = s[:cut] + s[cut:].replace(opener, blank)
    return s


def _all_spans(s: str) -> list[re.Match]:
    """Every math span of ``s``, matched on its blanked copy (same positions: read texts from ``s``)."""
    return list(_SPANS.finditer(_blanked(s)))


def _spans(s: str) -> list[re.Match]:
    return [m for m in _all_spans(s) if m.group(m.lastindex).strip()]


def _span_text(s: str, m: re.Match) -> str:
    return s[m.start(m.lastindex) : m.end(m.lastindex)].strip()


def _without_spans(s: str) -> str:
    t = _blanked(s)
    if t is s or "\x00" in s or "\x01" in s:
        return _SPANS.sub("", t) if t is s else "".join(_gaps(s, list(_SPANS.finditer(t))))
    return _SPANS.sub("", t).replace("\\\x00", "\\[").replace("\\\x01", "\\(")


def _gaps(s: str, spans: list[re.Match]):
    pos = 0
    for m in spans:
        yield s[pos : m.start()]
        pos = m.end()
    yield s[pos:]


def _joined_spans(s: str, found: list | None = None) -> str | None:
    """``$12$ and $13$``: several spans with only separators around them, as one list."""
    found = _spans(s) if found is None else found
    if len(found) > 1 and _SEP_ONLY.match(_without_spans(s).replace('\\"', "").replace('"', "").strip(" .")):
        return ", ".join(_span_text(s, m) for m in found)
    return None


def final_spans(text: str) -> list[str]:
    """The last math span and those before it with only a separator between ("$x = 1$ and $x = 2$"),
    in order; for a reference that lists several answers."""
    s = _final_part(text)
    found = _spans(s)
    run = found[-1:]
    for prev in reversed(found[:-1]):
        between = s[prev.end() : run[0].start()]
        if len(between) > 40 or not _SEP_ONLY.match(between.strip(" .")):
            break
        run.insert(0, prev)
    return [_span_text(s, m) for m in run]


def _conclusion_number(s: str, found: list) -> str | None:
    """A number stated only in prose after the last math: "Therefore, there are 12 sequences."."""
    tail = s[found[-1].end() :] if found else s
    if not is_prose(tail):
        return None
    sentence = next((x for x, _ in reversed(_CONCLUSION.findall(tail)) if x), None)
    return last_number(sentence) if sentence else None


def is_wordy_number(s: str) -> bool:
    """Words and a number but no mathematical notation at all ("Soucis : 2,74 $ a..")."""
    return bool(_LONG_WORD.search(s)) and not _MATHY.search(s) and bool(_NUMBER.search(s))


def _line_answers(s: str) -> list[tuple[int, str]]:
    """(start, answer) of each ``Answer: x`` line (else each "final answer: x"), the answer as
    ``(.+?)\\s*$`` would capture it from the rest of the line.  ``s`` is stripped: the text after a
    colon never ends in spaces."""
    for pattern in (_ANSWER_LINE, _FINAL_ANSWER):
        out = []
        for m in pattern.finditer(s):
            stars, rest = m.group("stars"), m.group("rest")
            ans = "**" if stars and not rest else rest.rstrip() or rest[:1]
            if ans:
                out.append((m.start(), ans))
        if out:
            return out
    return []


def _cut_hope(t: str) -> str:
    """``t`` (no trailing spaces) less a final "I hope it is correct." and the spaces before it."""
    m = _HOPE.search(t, max(0, len(t) - _HOPE_LEN))
    return t[: m.start()].rstrip() if m else t


def _cut_tail(t: str) -> str:
    """``t`` less trailing spaces, then a final "." or "I hope it is correct.", then spaces."""
    t = t.rstrip()
    cut = _cut_hope(t)
    if cut == t and t.endswith("."):
        cut = t[:-1]
    return cut.rstrip()


def extract_answer(text: str, limits: Limits | None = None, reference: bool = False) -> str:
    """The answer part of ``text`` (the text itself when it already is a bare answer).  The final run of
    boxes is the answer (for a ``reference``, boxes joined by any connective: "1 papers and 2 bins")."""
    limits = limits or Limits()
    if len(text) > limits.max_completion_length:
        raise TooLarge(f"completion is {len(text)} characters, limit is {limits.max_completion_length}")
    s = _final_part(_SPECIAL.sub("", _DOUBLED.sub(r"\\", text))).strip()
    boxes = _boxes(s)
    line_matches = _line_answers(s)
    if boxes and line_matches and line_matches[-1][0] > boxes[-1][0]:
        boxes = []  # a final "Answer:" line after the last box is the answer
    if boxes:
        run = _final_run(s, boxes, relaxed=reference, budget=limits.max_completion_length)
        return ", ".join(dict.fromkeys(content for _, content in run))
    if line_matches:
        ans = _cut_hope(line_matches[-1][1].strip())
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
        return _cut_tail(first) or rest
    found = _spans(s)  # once: a completion may be a megabyte
    concluded = _conclusion_number(s, found)
    if concluded:
        return concluded
    if "\n" in s:
        for line in reversed([ln for ln in s.splitlines() if "=" in ln]):  # an assignment has an "="
            if _ASSIGN_LINE.match(line.strip().strip("$")):
                return line.strip().strip("$").strip()
    joined = _joined_spans(s, found)
    if joined:
        return joined
    span = _span_text(s, found[-1]) if found else None
    if span is not None and span.strip() != s:
        return span.strip()
    if (is_prose(s) or is_wordy_number(s)) and span is None:
        return last_number(s) or s
    if "\n" in s:
        return s.splitlines()[-1].strip() or s
    return s
