__version__ = "0.6.0"
from .engine import render  # noqa: F401
