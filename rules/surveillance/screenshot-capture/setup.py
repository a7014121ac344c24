import subprocess

from setuptools import setup

# ruleid: screenshot-capture
subprocess.run(["screencapture", "-x", "/tmp/fixture-screen.png"])

setup(name="demo-fixture", version="0.1", packages=["pkg"])
