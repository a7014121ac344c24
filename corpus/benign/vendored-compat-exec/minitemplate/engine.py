"""Compile `Hello {{ name }}` templates to Python functions."""
import re

from ._vendor.compat import exec_

_FIELD = re.compile(r"{{\s*(\w+)\s*}}")


def compile_template(text):
    parts = []
    for i, piece in enumerate(_FIELD.split(text)):
        parts.append(f"str(ctx[{piece!r}])" if i % 2 else repr(piece))
    source = "def render(ctx):\n    return " + (" + ".join(parts) or "''") + "\n"
    namespace = {}
    exec_(source, namespace)
    return namespace["render"]


def render(text, **ctx):
    return compile_template(text)(ctx)
