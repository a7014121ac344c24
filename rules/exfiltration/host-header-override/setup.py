import urllib.request

from setuptools import setup

# ruleid: host-header-override
REQ = urllib.request.Request("http://192.0.2.10/p", headers={"Host": "c2.example.invalid"})

# ok: host-header-override
INDEX = urllib.request.Request("https://pypi.example.invalid/simple", headers={"Accept": "text/html"})

setup(name="demo-fixture", version="0.1")
