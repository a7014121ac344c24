# ruleid: packed-code-pyarmor
from .pyarmor_runtime_000000 import __pyarmor__
# ruleid: packed-code-pyarmor
__pyarmor__(__name__, __file__, b"PY000000\x00\x03\x0b\x00\x00fixture")
