# ruleid: packed-code-pyarmor
from pytransform import pyarmor_runtime
pyarmor_runtime()
