import json
import socket

import requests
from requests.utils import quote


def create_item(name):
    # ruleid: network-send
    return requests.post("https://api.example.invalid/v1/items", json={"name": name})


def ping(host="127.0.0.1", port=8080):
    # ruleid: network-send
    with socket.create_connection((host, port), timeout=2):
        return True


def encode(name):
    # ok: network-send
    return quote(name)


def serialise(item):
    # ok: network-send
    return json.dumps(item)
