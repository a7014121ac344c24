from setuptools import setup

# The common version-reading idiom executes file contents: a capability, reported.
# ruleid: exec-dynamic-code
exec(open("pkg/version.py").read())

setup(name="demo-fixture", version=__version__, packages=["pkg"])
