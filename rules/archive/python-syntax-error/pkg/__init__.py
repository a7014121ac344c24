"""A package whose modules all parse."""
__version__ = "0.1"
