"""Run by ``torchrun --nproc_per_node W`` from test_scale.py: each rank reads its part of the stream
(``split_dataset_by_node``) and writes the first ``m`` rows' ids and item indices to ``OUT/rank<r>.json``."""

import itertools
import json
import os
import sys

import torch.distributed as dist
from datasets.distributed import split_dataset_by_node

from hf_mathrules.data.streaming import stream

if __name__ == "__main__":
    out, m, num_shards = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    ds = split_dataset_by_node(stream("distributivity", num_shards=num_shards, levels=(2,)), rank, world)
    rows = [[r["id"], json.loads(r["meta"])["index"]] for r in itertools.islice(ds, m)]
    with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
        json.dump(rows, f)
    dist.barrier()
    dist.destroy_process_group()
