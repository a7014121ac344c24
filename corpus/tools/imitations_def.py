"""Imitations of payload-hiding styles. Text generation only: nothing here is executed."""
from generate import (P, PAYLOADS, SAMPLES, b, b64, q, imitation, pkginfo, expected, base64,
                      binascii, bz2, codecs, gzip, lzma, marshal, urllib, zlib)


def setup_call(name, extra=""):
    return (f"setup(\n    name={name!r},\n    version=\"0.1.0\",\n"
            f"    description=\"Small helpers\",\n    packages=find_packages(),\n{extra})\n")


def setup_with(name, head, tail=""):
    """setup.py whose body `head` runs before setup()."""
    return f"{head}from setuptools import setup, find_packages\n\n{tail}{setup_call(name)}"


def init_with(body, doc="Helpers."):
    return f'"""{doc}"""\n{body}\n__version__ = "0.1.0"\n'


def rot13(s):
    return codecs.encode(s, "rot13")


def xor(data, key):
    return bytes(c ^ key for c in data)


def define():
    # 1 plain base64 exec, in setup.py
    n = "colorama-utils"
    imitation("base64-exec", "exec(base64.b64decode(<literal>)) in setup.py", ["exec-decoded-payload"], {
        "setup.py": setup_with(n, f"import base64\nexec(base64.b64decode({q(b64(P('ssh')))}))\n")},
        payload="ssh", chain=["base64"], name=n)

    # 2 base64 of zlib, in __init__.py
    n = "fastjsonx"
    blob = b64(zlib.compress(b(P("curl"))))
    imitation("base64-zlib", "exec(zlib.decompress(base64.b64decode(<literal>))) at import",
              ["exec-decoded-payload"], {
        f"fastjsonx/__init__.py": init_with(
            f"import base64, zlib\n\nexec(zlib.decompress(base64.b64decode({q(blob)})))\n")},
        payload="curl", chain=["base64", "zlib"], name=n)

    # 3 reversed base64
    n = "pyhttpclient-lite"
    imitation("reversed-base64", "exec(base64.b64decode(<literal>[::-1])): base64 text stored reversed",
              ["exec-decoded-payload"], {
        "setup.py": setup_with(n, f"import base64\n_s = {q(b64(P('hook'))[::-1])}\n"
                                  "exec(base64.b64decode(_s[::-1]))\n")},
        payload="hook", chain=["reverse", "base64"], name=n)

    # 4 base32
    n = "cloudsync-tools"
    blob = base64.b32encode(b(P("aws"))).decode()
    imitation("base32", "exec(base64.b32decode(<literal>)) at import", ["exec-decoded-payload"], {
        "cloudsync_tools/__init__.py": init_with(f"import base64\nexec(base64.b32decode({q(blob)}))\n")},
        payload="aws", chain=["base32"], name=n)

    # 5 base16
    n = "envconfig-loader"
    blob = base64.b16encode(b(P("env"))).decode()
    imitation("base16", "exec(base64.b16decode(<literal>)) in setup.py", ["exec-decoded-payload"], {
        "setup.py": setup_with(n, f"import base64\nexec(base64.b16decode({q(blob)}))\n")},
        payload="env", chain=["base16"], name=n)

    # 6 base85
    n = "browser-cookie-helper"
    blob = base64.b85encode(b(P("chrome"))).decode()
    imitation("base85", "exec(base64.b85decode(<literal>)) at import", ["exec-decoded-payload"], {
        "browser_cookie_helper/__init__.py": init_with(f"from base64 import b85decode\nexec(b85decode({q(blob)}))\n")},
        payload="chrome", chain=["base85"], name=n)

    # 7 ascii85
    n = "sshconf-parse"
    blob = base64.a85encode(b(P("ssh"))).decode()
    imitation("ascii85", "exec(base64.a85decode(<literal>)) in setup.py", ["exec-decoded-payload"], {
        "setup.py": setup_with(n, f"import base64\nexec(base64.a85decode({q(blob)}))\n")},
        payload="ssh", chain=["ascii85"], name=n)

    # 8 urlsafe base64 (payload chosen so the text contains '-' and '_')
    n = "sshkey-notify"
    blob = base64.urlsafe_b64encode(b(P("ssh"))).decode()
    assert "-" in blob or "_" in blob
    imitation("urlsafe-base64", "exec(base64.urlsafe_b64decode(<literal>)) at import", ["exec-decoded-payload"], {
        "sshkey_notify/__init__.py": init_with(f"import base64\nexec(base64.urlsafe_b64decode({q(blob)}))\n")},
        payload="ssh", chain=["base64"], name=n)

    # 9 bytes.fromhex
    n = "shellkit-core"
    blob = b(P("curl")).hex()
    imitation("hex-fromhex", "exec(bytes.fromhex(<literal>).decode()) in setup.py", ["exec-decoded-payload"], {
        "setup.py": setup_with(n, f"exec(bytes.fromhex({q(blob)}).decode())\n")},
        payload="curl", chain=["hex"], name=n)

    # 10 binascii.unhexlify
    n = "netprobe-agent"
    blob = binascii.hexlify(b(P("wget"))).decode()
    imitation("hex-unhexlify", "exec(binascii.unhexlify(<literal>)) at import", ["exec-decoded-payload"], {
        "netprobe_agent/__init__.py": init_with(f"import binascii\nexec(binascii.unhexlify({q(blob)}))\n")},
        payload="wget", chain=["hex"], name=n)

    # 11 rot13
    n = "termcolor-plus"
    imitation("rot13-codecs", "exec(codecs.decode(<literal>, 'rot13')) in setup.py", ["exec-decoded-payload"], {
        "setup.py": setup_with(n, f"import codecs\nexec(codecs.decode({q(rot13(P('curl')))}, 'rot13'))\n")},
        payload="curl", chain=["rot13"], name=n)

    # 12 codecs hex
    n = "keyring-lite"
    blob = b(P("ssh")).hex()
    imitation("hex-codecs", "exec(codecs.decode(<literal>, 'hex')) at import", ["exec-decoded-payload"], {
        "keyring_lite/__init__.py": init_with(f"import codecs\nexec(codecs.decode({q(blob)}, 'hex'))\n")},
        payload="ssh", chain=["hex"], name=n)

    # 13 gzip of raw bytes literal
    n = "discord-embeds"
    blob = gzip.compress(b(P("hook")), mtime=0)
    imitation("gzip", "exec(gzip.decompress(b'<raw gzip bytes>')) in setup.py", ["exec-decoded-payload"], {
        "setup.py": setup_with(n, f"import gzip\nexec(gzip.decompress({blob!r}))\n")},
        payload="hook", chain=["gzip"], name=n)

    # 14 bz2 (base64 outside so the literal is text)
    n = "s3-uploader-tools"
    blob = b64(bz2.compress(b(P("aws"))))
    imitation("bz2", "exec(bz2.decompress(base64.b64decode(<literal>))) at import", ["exec-decoded-payload"], {
        "s3_uploader_tools/__init__.py": init_with(
            f"import base64, bz2\nexec(bz2.decompress(base64.b64decode({q(blob)})))\n")},
        payload="aws", chain=["base64", "bz2"], name=n)

    # 15 lzma
    n = "dotenv-reader"
    blob = b64(lzma.compress(b(P("env"))))
    imitation("lzma", "exec(lzma.decompress(base64.b64decode(<literal>))) in setup.py", ["exec-decoded-payload"], {
        "setup.py": setup_with(n, f"import base64, lzma\nexec(lzma.decompress(base64.b64decode({q(blob)})))\n")},
        payload="env", chain=["base64", "lzma"], name=n)

    # 16 marshal of a harmless code object (compiled, never run)
    n = "pycache-tools"
    blob = marshal.dumps(compile("print(1)", "x", "exec"))
    imitation("marshal-bytecode",
              "exec(marshal.loads(b'<code object>')) at import; harmless print(1), CPython 3.11 marshal format",
              ["marshal-exec"], {
        "pycache_tools/__init__.py": init_with(f"import marshal\nexec(marshal.loads({blob!r}))\n")},
        chain=["marshal"], name=n)
    SAMPLES[-1] = SAMPLES[-1][:3] + (SAMPLES[-1][3] + "innermost = 'print'\n",)

    define_more()


def define_more():
    from imitations_def2 import define as d2
    d2(setup_with, init_with, rot13, xor)
