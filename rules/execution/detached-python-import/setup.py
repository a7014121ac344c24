import subprocess
import sys

from setuptools import setup

# A build probe waits for the answer: not fire-and-forget.
# ok: detached-python-import
HAS_NUMPY = subprocess.call(["python3", "-c", "import numpy"]) == 0

# Popen of python -c whose code does more than import.
# ok: detached-python-import
proc = subprocess.Popen(["python3", "-c", "import sys; print(sys.version)"], stdout=subprocess.PIPE)
proc.communicate()

setup(name="probe-imitation", version="0.1.0")
