"""Moved to :mod:`hf_mathrules.prompting` (evaluation and the Space use it too); re-exported here for
callers of the old path."""

from ..prompting import PROMPT_SEPARATOR, model_prompt, sft_row

__all__ = ["PROMPT_SEPARATOR", "model_prompt", "sft_row"]
