"""hf-mathrules: synthetic data that teaches language models mathematical rules, and a checker for
what they answer."""

__version__ = "0.1.0"
