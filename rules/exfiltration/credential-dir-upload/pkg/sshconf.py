"""Reads the user's SSH directory but uploads nothing: a near miss."""
import os


def config_dir():
    # ok: credential-dir-upload
    return os.environ["HOME"] + "/.ssh"
