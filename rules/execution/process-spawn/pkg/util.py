import os
import shlex
import subprocess


def git_revision():
    # ruleid: process-spawn
    return subprocess.check_output(["git", "rev-parse", "HEAD"]).decode().strip()


def open_folder(path):
    # ruleid: process-spawn
    os.system("xdg-open " + shlex.quote(path))


def describe(cmd):
    # Building a command line is not running it.
    # ok: process-spawn
    return subprocess.list2cmdline(cmd)


def exists(path):
    # ok: process-spawn
    return os.path.exists(path)
