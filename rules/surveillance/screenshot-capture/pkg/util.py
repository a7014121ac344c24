import subprocess

from PIL import Image, ImageGrab


def snap(path):
    # a screenshot helper the user calls: not reported
    # ok: screenshot-capture
    img = ImageGrab.grab()
    img.save(path)


def snap_mac(path):
    # ok: screenshot-capture
    subprocess.run(["screencapture", "-x", path])


def thumbnail(path):
    # ok: screenshot-capture
    img = Image.open(path)
    img.thumbnail((64, 64))
    return img
