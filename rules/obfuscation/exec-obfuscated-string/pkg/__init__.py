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


# A repeating-key XOR decoded by a module-level loop over enumerate().
_KEY = "k3y"
_DATA = [2, 94, 9, 4, 65, 13, 75, 92, 10, 80, 19, 22, 24, 29, 10, 18, 64, 13, 14, 94, 81, 73, 86, 26, 3, 92, 89, 13, 86, 11, 25, 86, 13, 70, 85, 16, 19, 71, 12, 25, 86, 89, 85, 19, 86, 15, 86, 15, 68, 93, 12, 7, 95, 91, 66]
_code = ""
for _i, _b in enumerate(_DATA):
    _code += chr(_b ^ ord(_KEY[_i % len(_KEY)]))
# ruleid: exec-obfuscated-string
exec(_code)

# A loop that only assembles a readable value.
_parts = ""
for _w in ["a", "b"]:
    _parts += _w
# ok: exec-obfuscated-string
print(_parts)


# A substitution cipher: each character looked up in one alphabet, replaced from another.
_PLAIN = 'abcdefghijklmnopqrstuvwxyz .()"\'/:|'
_SUBST = 'zyxwvutsrqponmlkjihgfedcba .()"\'/:|'
# ruleid: exec-obfuscated-string
exec("".join(_SUBST[_PLAIN.index(_c)] for _c in 'kirmg("uviivg urcgfiv")'))
