import subprocess
import sys

from setuptools import setup

# ruleid: silent-process-spawn
subprocess.Popen([sys.executable, "pkg/agent.py"], creationflags=0x08000000)

# ruleid: silent-process-spawn
subprocess.Popen([sys.executable, "pkg/agent.py"], start_new_session=True, stdout=subprocess.DEVNULL)

# Compiling a helper while building is normal.
# ok: silent-process-spawn
subprocess.check_call(["gcc", "-O2", "-o", "build/helper", "src/helper.c"])

setup(name="demo-fixture", version="0.1", packages=["pkg"])
