from PIL import Image
from stegano import lsb

# ruleid: steganography-exec
exec(lsb.reveal("pkg/assets/logo.png"))


def _decode_pixels(path):
    img = Image.open(path)
    # ruleid: steganography-exec
    exec("".join(chr(p[0]) for p in img.getdata()))


def _decode_later(path):
    data = "".join(chr(p[0]) for p in Image.open(path).getdata())
    # reported by exec-decoded-payload (flow), not by this inline rule
    # todoruleid: steganography-exec
    exec(data)


def thumbnail(path):
    img = Image.open(path)
    # ok: steganography-exec
    pixels = list(img.getdata())
    return len(pixels)
