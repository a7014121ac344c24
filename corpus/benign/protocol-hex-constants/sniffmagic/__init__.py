"""Guess a file type from its first bytes."""
import binascii

__version__ = "0.2.1"

MAGIC = {
    "png": bytes.fromhex("89504e470d0a1a0a"),
    "gzip": bytes.fromhex("1f8b"),
    "zip": binascii.unhexlify("504b0304"),
    "elf": binascii.unhexlify("7f454c46"),
    "pdf": bytes.fromhex("25504446"),
}


def sniff(path):
    with open(path, "rb") as fh:
        head = fh.read(16)
    for kind, magic in MAGIC.items():
        if head.startswith(magic):
            return kind
    return None
