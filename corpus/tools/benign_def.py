"""Tricky benign packages: shapes a good scanner must stay quiet about."""
import json
import struct

from generate import b64, benign, pkginfo, q, zlib


def png_icon(size=16):
    """A small solid-colour PNG, built by hand."""
    def chunk(tag, data):
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + b"\x2a\x7f\xd4" * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def wrap(s, width=76, indent="    "):
    return "\n".join(f"{indent}{s[i:i + width]!r}" for i in range(0, len(s), width))


SPAWN_RISK = ["install-time-spawn-suspicious", "lolbas-command", "silent-process-spawn",
              "download-and-execute"]
EXEC_RISK = ["exec-decoded-payload", "exec-obfuscated-string", "marshal-exec", "remote-code-load",
             "download-and-execute", "dynamic-dangerous-call"]


def define():
    from benign_def2 import define as d2
    d2(png_icon, wrap, SPAWN_RISK, EXEC_RISK)
