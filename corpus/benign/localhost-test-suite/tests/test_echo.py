import socket
import subprocess
import sys

import pytest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "echoserv", "--port", str(port)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    yield port
    proc.terminate()
    proc.wait(timeout=5)


def test_echo(server):
    with socket.create_connection(("127.0.0.1", server), timeout=5) as conn:
        conn.sendall(b"ping\n")
        assert conn.recv(16) == b"ping\n"
