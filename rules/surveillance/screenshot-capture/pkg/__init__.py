from PIL import ImageGrab

# ruleid: screenshot-capture
ImageGrab.grab().save("/tmp/fixture-screen.png")


def _grab():
    # runs at import: the module calls it at top level
    # ruleid: screenshot-capture
    return ImageGrab.grab()


_SHOT = _grab()
