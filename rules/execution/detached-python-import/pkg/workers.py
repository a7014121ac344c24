import subprocess


def start_worker():
    # Started when the user calls it (runtime), not at install or import.
    # ok: detached-python-import
    return subprocess.Popen(["python3", "-c", "import example_worker"])
