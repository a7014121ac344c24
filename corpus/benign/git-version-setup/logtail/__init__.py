"""Follow log files."""
import time


def follow(path, interval=0.5):
    with open(path) as fh:
        fh.seek(0, 2)
        while True:
            line = fh.readline()
            if line:
                yield line
            else:
                time.sleep(interval)
