"""Geometry kernels."""
from . import _kernels  # noqa: F401

__version__ = "3.0.0"
