# ruleid: exec-obfuscated-string
exec("".join([chr(112), chr(114), chr(105), chr(110), chr(116), chr(40), chr(49), chr(41)]))

# ruleid: exec-obfuscated-string
exec(")'erutxif'(tnirp"[::-1])

_SRC = "imp" + "ort o" + "s\nprint(o" + "s.name)"
# ruleid: exec-obfuscated-string
exec(_SRC)

# ok: exec-obfuscated-string
exec("VERSION_TUPLE = (1, 0)")

# Constant code assembled from pieces that only defines a value.
# ok: exec-obfuscated-string
exec("LIMIT = " + "10")

# A readable message assembled from pieces but never executed.
# ok: exec-obfuscated-string
GREETING = "".join(["hel", "lo"])


def make_accessor(name):
    template = "def get_{0}(self):\n    return self._{0}\n"
    namespace = {}
    # ok: exec-obfuscated-string
    exec(template.format(name), namespace)
    return namespace["get_" + name]
