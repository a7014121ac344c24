import os
import importlib

# ruleid: dynamic-dangerous-call
getattr(__import__("o" + "s"), "sys" + "tem")("echo fixture")

# ruleid: dynamic-dangerous-call
__import__("subprocess").call(["echo", "fixture"])

# Direct calls are not indirection.
# ok: dynamic-dangerous-call
os.system("echo direct")

# Dynamic lookups of harmless functions are fine.
# ok: dynamic-dangerous-call
CWD = getattr(os, "getcwd")()

# ok: dynamic-dangerous-call
JSON = importlib.import_module("json").dumps({"a": 1})


def dispatch(obj, method_name, *args):
    # variable attribute names do not resolve
    # ok: dynamic-dangerous-call
    return getattr(obj, method_name)(*args)
