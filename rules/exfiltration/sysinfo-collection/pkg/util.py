import getpass
import os
import platform
import socket

import requests


def fingerprint():
    # ruleid: sysinfo-collection
    host = socket.gethostname()
    # ruleid: sysinfo-collection
    user = getpass.getuser()
    return host, user


def public_ip():
    # ruleid: sysinfo-collection
    return requests.get("https://api.ipify.org").text


def wheel_tag():
    # ok: sysinfo-collection
    return platform.system().lower() + "_" + platform.machine()


def workdir():
    # ok: sysinfo-collection
    return os.getcwd()
