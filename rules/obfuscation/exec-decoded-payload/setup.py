# Benign setup.py: reads the version by exec'ing a plain file (not decoded data).
from setuptools import setup

about = {}
with open("pkg/version.py") as f:
    # ok: exec-decoded-payload
    exec(f.read(), about)

setup(name="demo-fixture", version=about["__version__"], packages=["pkg"])
