"""A tray clock."""
__version__ = "1.4.0"
