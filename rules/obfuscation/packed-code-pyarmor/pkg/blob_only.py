# A packed module whose runtime is imported elsewhere: only the loader call is here.
# ruleid: packed-code-pyarmor
__pyarmor__(__name__, __file__, b"PYARMOR\x00\x00\x03\x0b\x00\x55\x0d\x0d\x0a\x04\x00\x00\x00")
