import getpass
import os
import shutil


def collect(folder):
    user = getpass.getuser()
    # ruleid: credential-dir-reference
    shutil.copytree("/home/" + user + "/.ssh", folder + "/ssh")
    # ruleid: credential-dir-reference
    kube = os.environ["HOME"] + "/.kube/"
    return kube


def ssh_config_path(home):
    # A relative name joined with os.path.join: no leading slash.
    # ok: credential-dir-reference
    return os.path.join(home, ".ssh", "config")


def known_hosts():
    # A full path, not a bare directory piece.
    # ok: credential-dir-reference
    return os.path.expanduser("~/.ssh/known_hosts")
