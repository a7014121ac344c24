"""Friendly greetings."""

__version__ = "1.0.2"


def greet(name):
    return f"Hello, {name}!"
