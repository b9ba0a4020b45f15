"""Truceline: the working system of a ceasefire."""

__version__ = "0.1.0"

__all__ = ["__version__"]
