"""Starts processes but names no executable URL: a near miss."""
import subprocess


def version():
    # ok: executable-url-run
    return subprocess.check_output(["git", "describe", "--tags"]).decode().strip()
