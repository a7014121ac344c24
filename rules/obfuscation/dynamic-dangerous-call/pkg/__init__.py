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


# ruleid: dynamic-dangerous-call
getattr(__import__("built" + "ins"), "ex" + "ec")(open(__file__ + ".dat").read())

# A py2/py3 compat shim running literal code, as vendored six does.
exec_ = getattr(__import__("builtins"), "exec")
# ok: dynamic-dangerous-call
exec_("def _raise_from(value, from_value):\n    raise value from from_value\n")
