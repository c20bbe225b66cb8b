"""Packed rows without padding, for CPUs.

Our rules' rows range from ~30 to ~200 tokens, so a random batch padded to its longest row is about half
padding.  TRL's ``padding_free`` removes it by flattening a whole batch into *one* sequence, which needs a
variable-length attention kernel (FlashAttention) to be cheap; on a CPU, SDPA then builds one dense
``batch*len x batch*len`` mask and the attention cost grows with the square of the batch.  Sorting by
length (``group_by_length``) removes the padding too, but makes each batch one rule (every rule has its own
lengths), which we measured to triple the loss at equal steps.

So we pack *rows of a fixed length*: rows drawn in random order (every batch stays a mix of rules) fill
bins of ``length`` tokens first-fit, each bin carries ``position_ids`` that restart at 0 for every row
(from ``seq_lengths``, the column ``SFTTrainer`` keeps for packing), and no ``attention_mask`` — transformers then reads the row boundaries from the position ids and masks
attention within each row (``masking_utils.find_packed_sequence_indices``, only when no KV cache is in
use, so the collator passes ``use_cache=False``), so no row sees another.  The
labels are TRL's own completion-only labels (``-100`` on prompts), plus ``-100`` at each row's first token
and on the bin's tail padding.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..rules import ConfigError

OPEN_BINS = 64  # first-fit over this many open bins: >97% of tokens are real on our rows


def pack_examples(
    input_ids: list[list[int]], labels: list[list[int]], length: int, pad_token_id: int, seed: int = 0
) -> list[dict[str, list[int]]]:
    """Pack tokenized rows (``input_ids`` and their ``labels``, ``-100`` where no loss is taken, as TRL's SFT
    preparation writes them) into bins of exactly ``length`` tokens.  Returns bins with ``input_ids``,
    ``labels`` and ``seq_lengths`` (TRL's name for the rows of a packed sequence; the tail padding is a row
    of its own); row order is shuffled with ``seed`` first, so bins mix rules."""
    if length < 1:
        raise ConfigError(f"pack_length must be a positive number of tokens, got {length}")
    order = list(range(len(input_ids)))
    random.Random(seed).shuffle(order)
    open_bins: list[list[int]] = []  # row indices per bin
    room: list[int] = []
    closed: list[list[int]] = []
    lengths = [len(ids) for ids in input_ids]
    longest = max(lengths, default=0)
    if longest > length:
        raise ConfigError(
            f"pack_length {length} is shorter than the longest training row ({longest} tokens); "
            f"pass --pack_length {longest} or more"
        )
    for i in order:
        n = lengths[i]
        for b, free in enumerate(room):
            if n <= free:
                open_bins[b].append(i)
                room[b] -= n
                break
        else:
            if len(open_bins) == OPEN_BINS:  # close the fullest bin to make room
                b = min(range(len(room)), key=room.__getitem__)
                closed.append(open_bins.pop(b))
                room.pop(b)
            open_bins.append([i])
            room.append(length - n)
    closed.extend(open_bins)
    return [_bin(input_ids, labels, rows, length, pad_token_id) for rows in closed]


def _bin(all_ids, all_labels, rows: list[int], length: int, pad_token_id: int) -> dict[str, list[int]]:
    input_ids: list[int] = []
    labels: list[int] = []
    seq_lengths: list[int] = []
    for i in rows:
        input_ids += all_ids[i]
        # the first token of a row is never a target: it would be predicted from the previous row
        labels += [-100, *all_labels[i][1:]]
        seq_lengths.append(len(all_ids[i]))
    tail = length - len(input_ids)
    if tail:
        input_ids += [pad_token_id] * tail
        labels += [-100] * tail
        seq_lengths.append(tail)  # a row of its own: attends to nothing real
    return {"input_ids": input_ids, "labels": labels, "seq_lengths": seq_lengths}


def position_ids(seq_lengths: list[int]) -> list[int]:
    """Positions restarting at 0 at every row of a packed bin."""
    return [p for n in seq_lengths for p in range(n)]


@dataclass
class PackedRowsCollator:
    """Stacks packed bins (all ``length`` long) into tensors with ``position_ids`` from their
    ``seq_lengths`` and no ``attention_mask``, so the model masks attention by rows.  Unpacked examples (an
    eval set) are padded on the right, with an attention mask."""

    pad_token_id: int

    def __call__(self, examples):
        import torch

        if "seq_lengths" in examples[0]:
            return {
                "input_ids": torch.tensor([e["input_ids"] for e in examples]),
                "labels": torch.tensor([e["labels"] for e in examples]),
                "position_ids": torch.tensor([position_ids(e["seq_lengths"]) for e in examples]),
                # transformers reads rows from position_ids only without a KV cache: with one, rows would leak
                "use_cache": False,
            }
        width = max(len(e["input_ids"]) for e in examples)
        ids, labels, attention = [], [], []
        for e in examples:
            n = len(e["input_ids"])
            ids.append(list(e["input_ids"]) + [self.pad_token_id] * (width - n))
            labels.append(list(e.get("labels", e["input_ids"])) + [-100] * (width - n))
            attention.append([1] * n + [0] * (width - n))
        return {
            "input_ids": torch.tensor(ids),
            "labels": torch.tensor(labels),
            "attention_mask": torch.tensor(attention),
        }


def use_packed_rows(trainer, length: int, seed: int) -> float:
    """Replace a built ``SFTTrainer``'s tokenized train set by packed bins of ``length`` tokens and its
    collator by ``PackedRowsCollator``; returns the packing efficiency.  TRL tokenizes and builds the
    completion-only labels (prompt, completion, EOS) as it always does; only the batching changes.  The
    bins' columns are the ones ``SFTTrainer`` keeps (``input_ids``, ``labels``, ``seq_lengths``)."""
    from datasets import Dataset

    ds = trainer.train_dataset
    ids = [list(x) for x in ds["input_ids"]]
    if "labels" in ds.column_names:
        labels = [list(x) for x in ds["labels"]]
    elif "completion_mask" in ds.column_names:  # TRL versions that build labels in the collator
        labels = [[t if m else -100 for t, m in zip(x, mask)] for x, mask in zip(ids, ds["completion_mask"])]
    else:
        labels = ids
    bins = pack_examples(ids, labels, length, trainer.processing_class.pad_token_id, seed)
    trainer.train_dataset = Dataset.from_list(bins)
    trainer.data_collator = PackedRowsCollator(trainer.processing_class.pad_token_id)
    return sum(map(len, ids)) / (len(bins) * length)
