#!/usr/bin/env python3
"""Identity checks on their own: how many packages get an identity finding (typosquatting,
starjacking, metadata anomalies, wheel RECORD integrity, bytecode without source: the rules of
categories `metadata` and `integrity`), by rule, and how many those findings alone would make
suspicious or malicious, whatever the code does.

usage: benches/identity.py JSONL...          (output of `ferret scan --format jsonl`)
   or: benches/identity.py --scan DIR...     (runs target/release/ferret on DIR first)

Packages are counted by name (from the report, else the file name), as in benches/accuracy.py.
The "alone" verdict applies ferret's scoring (crates/ferret_engine/src/score.rs) to the identity
findings only: a threat of severity >= high with confidence >= medium is malicious, >= medium /
>= medium is suspicious, else the per-rule maxima of severity x confidence add up (10 malicious,
3 suspicious).
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
IDENTITY = {"metadata", "integrity"}
SEV = {"info": 0, "low": 1, "medium": 3, "high": 6, "critical": 10}
CONF = {"low": 0.5, "medium": 0.8, "high": 1.0}
RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


def alone_verdict(findings):
    best, decisive, medium = {}, False, False
    for f in findings:
        if f["kind"] != "threat":
            continue
        s, c = RANK[f["severity"]], f["confidence"]
        decisive |= s >= 3 and c in ("medium", "high")
        medium |= s >= 2 and c in ("medium", "high")
        w = SEV[f["severity"]] * CONF[c]
        best[f["rule"]] = max(best.get(f["rule"], 0), w)
    score = sum(best.values())
    if decisive or score >= 10:
        return "malicious"
    if medium or score >= 3:
        return "suspicious"
    return "clean"


def package_name(r):
    name = r.get("name") or re.split(r"-\d", os.path.basename(r["path"]))[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def summarise(label, reports):
    by_rule = collections.Counter()
    flagged, alone = set(), collections.Counter()
    packages = set()
    for r in reports:
        pkg = package_name(r)
        packages.add(pkg)
        ident = [f for f in r.get("findings", []) if f["category"] in IDENTITY]
        if not ident:
            continue
        flagged.add(pkg)
        for rule in {f["rule"] for f in ident}:
            by_rule[(rule, pkg)] += 1
        alone[(pkg, alone_verdict(ident))] += 1
    n = len(packages)
    print(f"\n{label}: {len(reports)} files, {n} packages")
    print(f"  packages with an identity finding: {len(flagged)} ({100 * len(flagged) / max(n, 1):.1f} %)")
    per_pkg = {}
    for (pkg, v) in alone:
        order = ["clean", "suspicious", "malicious"]
        per_pkg[pkg] = max(per_pkg.get(pkg, "clean"), v, key=order.index)
    counts = collections.Counter(per_pkg.values())
    for v in ["malicious", "suspicious"]:
        print(f"  identity findings alone make {v}: {counts[v]} packages ({100 * counts[v] / max(n, 1):.1f} %)")
    rules = collections.Counter(rule for (rule, _pkg) in by_rule)
    for rule, c in rules.most_common():
        examples = sorted(p for (r, p) in by_rule if r == rule)[:4]
        print(f"    {rule:26} {c:5} packages  e.g. {', '.join(examples)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--scan", action="store_true", help="inputs are directories to scan")
    ap.add_argument("--ferret", default=os.path.join(REPO, "target/release/ferret"))
    a = ap.parse_args()
    for inp in a.inputs:
        if a.scan:
            if not os.path.exists(inp):
                print(f"skipping {inp}: not found")
                continue
            out = subprocess.run([a.ferret, "scan", "--format", "jsonl", "--fail-on", "never", inp],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"ferret failed: {out.stderr[-2000:]}")
            lines = out.stdout.splitlines()
        else:
            with open(inp) as f:
                lines = f.read().splitlines()
        reports = [json.loads(l) for l in lines if l.strip()]
        summarise(inp, [r for r in reports if "verdict" in r])


if __name__ == "__main__":
    main()
