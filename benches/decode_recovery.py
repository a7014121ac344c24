#!/usr/bin/env python3
"""Decoding recovery on real malware: of the files whose code passes an encoded payload to
exec/eval, in how many does ferret recover the innermost payload?

usage: benches/decode_recovery.py [--ferret PATH] [--shared DIR] [--jsonl FILE]

The denominator is found independently of ferret, by a plain text heuristic over every Python
member (read in memory; nothing is extracted, installed or run): the member holds an
encoded-looking literal of 40+ characters and an exec/eval call whose argument involves a decoder
(b64decode and friends, fromhex/unhexlify, zlib/gzip/bz2/lzma decompress, codecs.decode,
marshal.loads, Fernet) — on the same line, or through a name assigned from a decoder, or a
small decoding lambda/function applied in the call.
Two corrections (see --help):
- exec/eval spelled through an escaped constant (`_=eval("\\145\\166\\x61\\154")`, BlankOBF):
  a file that evaluates a constant naming eval/exec/compile (escapes read as Python reads them)
  and calls a decoder counts (style `alias`);
- an exec line whose decoder reads its input at run time (`.read()`, `.content`, `.text`,
  `.json()`, `urlopen`, `requests.get`) has no payload in the package, so it does not count
  (`--old-heuristic` gives the numbers without both corrections).
The numerator: ferret's report for that file has a finding carrying a decoded payload that is
Python (or bytecode, for marshal). Unrecovered files are listed with the decoders they mention.
--jsonl reuses a `ferret scan --format jsonl` output (e.g. target/accuracy/malicious-dev.jsonl).
"""
import argparse
import collections
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

EXEC = re.compile(rb"\b(exec|eval)\s*\(")
DECODERS = {
    "base64": re.compile(rb"b(64|32|16|85)decode|a85decode|decodebytes|a2b_base64|decodestring"),
    "hex": re.compile(rb"fromhex|unhexlify|a2b_hex"),
    "compress": re.compile(rb"(zlib|gzip|bz2|lzma)\.decompress|decompress\("),
    "codecs": re.compile(rb"codecs\.decode|rot_?13"),
    "marshal": re.compile(rb"marshal\.loads"),
    "fernet": re.compile(rb"Fernet\("),
}
BLOB = re.compile(rb"[A-Za-z0-9+/=_\-\\x]{40,}")
ESCAPE = re.compile(rb"\\(x[0-9a-fA-F]{2}|[0-7]{1,3})")
EXEC_ALIAS = re.compile(rb"""\b(?:eval|exec)\s*\(\s*["'](?:eval|exec|compile)["']\s*\)""")
FETCHED = re.compile(rb"\.read\(\)|\.content\b|\.text\b|\.json\(\)|urlopen|requests\.(?:get|post)")
OLD = False


def unescape(src):
    """`\\x65`/`\\145` escapes as the characters Python reads (only to match names)."""
    def one(m):
        t = m.group(1)
        n = int(t[1:], 16) if t[:1] == b"x" else int(t, 8)
        return bytes([n]) if n < 128 else m.group(0)
    return ESCAPE.sub(one, src)


def python_members(data):
    """Yields (name, bytes) of .py members; sniffs the container from content."""
    bio = io.BytesIO(data)
    try:
        if data[:2] == b"PK":
            with zipfile.ZipFile(bio) as z:
                for n in z.namelist():
                    if n.endswith(".py"):
                        yield n, z.read(n)
            return
        with tarfile.open(fileobj=bio, mode="r:*") as t:
            for m in t.getmembers():
                if m.isfile() and m.name.endswith(".py"):
                    f = t.extractfile(m)
                    if f:
                        yield m.name, f.read()
    except Exception:
        return


ARG_NAME = re.compile(rb"\b(?:exec|eval)\s*\(\s*\(?\s*([A-Za-z_][A-Za-z0-9_]*)")


def encoded_exec(data):
    """Decoder styles whose output reaches exec/eval in this archive's Python members."""
    styles = set()
    for _, src in python_members(data):
        if not BLOB.search(src):
            continue
        if not OLD:
            plain = unescape(src)
            if EXEC_ALIAS.search(plain) and any(rx.search(plain) for rx in DECODERS.values()):
                styles.add("alias")
        if not EXEC.search(src):
            continue
        lines = src.splitlines()
        # Names assigned (or defined) from a decoder: `x = b64decode(...)`, `_ = lambda ...`.
        decoding_names = {}
        for line in lines:
            m = re.match(rb"\s*(?:def\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:=|\()", line)
            if m:
                for style, rx in DECODERS.items():
                    if rx.search(line):
                        decoding_names.setdefault(m.group(1), set()).add(style)
        for line in lines:
            if not EXEC.search(line):
                continue
            if not OLD and FETCHED.search(line):
                continue
            for style, rx in DECODERS.items():
                if rx.search(line):
                    styles.add(style)
            for m in ARG_NAME.finditer(line):
                styles |= decoding_names.get(m.group(1), set())
    return styles


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ferret", default=os.path.join(REPO, "target/release/ferret"))
    ap.add_argument("--shared", default=os.path.join(REPO, "../shared"))
    ap.add_argument("--jsonl")
    ap.add_argument("--old-heuristic", action="store_true",
                    help="the denominator before the escape/alias and fetched-input corrections")
    args = ap.parse_args()
    global OLD
    OLD = args.old_heuristic
    mal = os.path.join(args.shared, "corpus/malicious-dev")
    if not os.path.isdir(mal):
        print(f"skipped: {mal} absent")
        return
    if args.jsonl:
        lines = open(args.jsonl).read().splitlines()
    else:
        out = subprocess.run([args.ferret, "scan", "--format", "jsonl", "--fail-on", "never", mal],
                             capture_output=True, text=True, check=True)
        lines = out.stdout.splitlines()
    reports = {os.path.basename(json.loads(l)["path"]): json.loads(l) for l in lines if l.strip()}
    total, recovered = 0, 0
    missed = []
    by_style = collections.Counter()
    by_style_ok = collections.Counter()
    for name in sorted(os.listdir(mal)):
        with open(os.path.join(mal, name), "rb") as f:
            styles = encoded_exec(f.read())
        if not styles:
            continue
        total += 1
        r = reports.get(name)
        ok = r is not None and any(
            f.get("decoded") and (f["decoded"]["python"] or "marshal" in f["decoded"]["chain"])
            for f in r["findings"])
        for s in styles:
            by_style[s] += 1
            by_style_ok[s] += ok
        if ok:
            recovered += 1
        else:
            missed.append((name, sorted(styles)))
    print(f"files with an encoded payload reaching exec/eval (heuristic): {total}")
    print(f"innermost payload recovered by ferret: {recovered} ({100.0 * recovered / max(total, 1):.1f} %)")
    print("\nby decoder mentioned (a file can mention several):")
    for s, n in by_style.most_common():
        print(f"  {s:<9} {by_style_ok[s]:>5} / {n:<5} recovered")
    print(f"\nnot recovered ({len(missed)}):")
    for name, styles in missed:
        print(f"  {name}: {','.join(styles)}")


if __name__ == "__main__":
    main()
