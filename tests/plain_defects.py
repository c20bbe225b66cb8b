"""The number defects' plain forms: what the fast checks in ``hf_mathrules.mutate.defects`` must equal
(issue 19 rounds 5 and 6 test their shortcuts against these)."""

import re

from hf_mathrules.mutate import defects


def plain_redundant_units(text: str) -> list[str]:
    out = []
    for s in defects._SENTENCE.split(text):
        for m in defects._NUMBER_OF.finditer(s):
            for w in m.group(1).split():
                if len(w) > 2 and w.endswith("s") and re.search(rf"(?:\d|, in) {re.escape(w)}\b", s):
                    out.append(s)
                    break
            else:
                continue
            break
    return out
