"""Mutation-generated data (the neuro-symbolic method of Li et al., NeurIPS 2024, without an LLM):
formalize a seed problem into a typed program, mutate it by projected MCMC towards a requested
difficulty, validate it through the gates, and informalize it with sentence frames that can be read
back.  One concept per module:

- ``program``: the formal problem (quantities with roles, relations, query; SymPy / SMT-LIB / signature)
- ``syntax``: a safe parser of seed arithmetic and textbook equations
- ``solver``: the exact solver that derives the answer (uniqueness)
- ``seeds`` (+ ``seeds/*.json``): the seed library; ``symbolic``: our rules' problems as programs
- ``operators``: the mutation operators; ``mcmc``: projected Metropolis with difficulty control
- ``frames``: informalization and its inverse; ``solution``: completions and difficulty measures
- ``gates``: what a row must pass; ``engine``: config, items, rows; ``llm``: optional local rewriter
"""

from .engine import FAMILIES, MutateConfig, MutationEngine, Stats
from .seeds import SeedError, load_seeds

__all__ = ["FAMILIES", "MutateConfig", "MutationEngine", "SeedError", "Stats", "load_seeds"]
