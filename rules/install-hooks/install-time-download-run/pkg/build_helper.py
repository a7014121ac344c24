"""A build helper that compiles with gcc: it spawns processes but fetches nothing."""
import subprocess


def build():
    subprocess.check_call(["gcc", "-O2", "-c", "fast.c", "-o", "fast.o"])


def fetch_docs():
    import urllib.request

    return urllib.request.urlopen("https://example.invalid/docs.json").read()
