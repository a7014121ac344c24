#!/usr/bin/env python3
"""Accuracy table: scans the malicious dev corpus and the benign corpus with ferret and prints,
per set, files and packages, verdict shares, recall per file and per package, false-positive
rates, and the misses / false positives with the rules involved.

usage: benches/accuracy.py [--ferret PATH] [--shared DIR] [--benign DIR] [--out DIR]
                           [--malicious-only | --benign-only] [--guarddog]

Defaults: ferret = target/release/ferret, shared = ../shared, benign = ../benign-corpus (made by
`../shared/corpus/fetch-benign ../benign-corpus`). Sets that are absent are skipped with a
message. Nothing is installed or executed: ferret only reads the archives.
--guarddog adds GuardDog 3.2's published labels from ../shared/corpus/guarddog-3.2-dev.tsv
(high_risk = malicious, suspicious = suspicious) on the same files, side by side.
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def scan(ferret, paths, out_path):
    """Runs ferret over paths (JSON lines) and returns {file name: report}."""
    start = time.time()
    with open(out_path, "w") as out:
        proc = subprocess.run(
            [ferret, "scan", "--format", "jsonl", "--fail-on", "never", *paths],
            stdout=out, stderr=subprocess.PIPE, text=True,
        )
    if proc.returncode != 0:
        sys.exit(f"ferret failed ({proc.returncode}): {proc.stderr[-2000:]}")
    elapsed = time.time() - start
    reports = {}
    with open(out_path) as f:
        for line in f:
            r = json.loads(line)
            reports[os.path.basename(r["path"])] = r
    return reports, elapsed


def parse_reports(lines):
    """Parses JSON lines as produced by `ferret scan --format jsonl` (used by CI on the in-repo
    corpus to keep this script's parser honest)."""
    return [json.loads(l) for l in lines if l.strip()]


def pct(n, d):
    return f"{100.0 * n / d:5.1f} %" if d else "   n/a"


def table(title, reports, package_of, positive, guarddog=None):
    files = list(reports.values())
    n = len(files)
    counts = collections.Counter(r["verdict"] for r in files)
    flagged = lambda r: r["verdict"] in ("malicious", "suspicious")
    pkgs = collections.defaultdict(list)
    for name, r in reports.items():
        pkgs[package_of(name)].append(r)
    print(f"\n## {title}: {n} files, {len(pkgs)} packages")
    print("| | malicious | suspicious | clean | unscannable |")
    print("|---|---|---|---|---|")
    print(f"| ferret | {pct(counts['malicious'], n)} | {pct(counts['suspicious'], n)} | "
          f"{pct(counts['clean'], n)} | {pct(counts['unscannable'], n)} |")
    if guarddog:
        gd = [guarddog.get(name) for name in reports]
        gd = [g for g in gd if g]
        gc = collections.Counter(gd)
        m = len(gd)
        print(f"| GuardDog 3.2 ({m} files) | {pct(gc['high_risk'], m)} | {pct(gc['suspicious'], m)} | "
              f"{pct(gc['low'] + gc['no_risks_detected'], m)} | {pct(m - sum(gc.values()) , m)} |")
    pkg_flag = sum(1 for rs in pkgs.values() if any(flagged(r) for r in rs))
    pkg_mal = sum(1 for rs in pkgs.values() if any(r["verdict"] == "malicious" for r in rs))
    if positive:
        print(f"\nrecall per file: {pct(sum(map(flagged, files)), n)} at least suspicious, "
              f"{pct(counts['malicious'], n)} malicious")
        print(f"recall per package: {pct(pkg_flag, len(pkgs))} at least suspicious, "
              f"{pct(pkg_mal, len(pkgs))} malicious")
        misses = [r for r in files if not flagged(r)]
        print(f"\nmisses ({len(misses)}), first 40:")
        for r in sorted(misses, key=lambda r: r["path"])[:40]:
            rules = sorted({f["rule"] for f in r["findings"]})
            print(f"  {os.path.basename(r['path'])}: {r['verdict']} {','.join(rules) or '-'}")
    else:
        print(f"\nfalse positives per file: {pct(counts['malicious'], n)} malicious, "
              f"{pct(counts['suspicious'], n)} suspicious")
        print(f"false positives per package: {pct(pkg_mal, len(pkgs))} malicious, "
              f"{pct(pkg_flag - pkg_mal, len(pkgs))} suspicious only")
        fps = [r for r in files if flagged(r)]
        print(f"\nflagged benign files ({len(fps)}):")
        for r in sorted(fps, key=lambda r: r["path"]):
            rules = collections.Counter(f["rule"] for f in r["findings"] if f["kind"] == "threat")
            print(f"  {os.path.basename(r['path'])}: {r['verdict']} "
                  + ", ".join(f"{k}×{v}" for k, v in rules.most_common(6)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ferret", default=os.path.join(REPO, "target/release/ferret"))
    ap.add_argument("--shared", default=os.path.join(REPO, "../shared"))
    ap.add_argument("--benign", default=os.path.join(REPO, "../benign-corpus"))
    ap.add_argument("--out", default=os.path.join(REPO, "target/accuracy"))
    ap.add_argument("--malicious-only", action="store_true")
    ap.add_argument("--benign-only", action="store_true")
    ap.add_argument("--guarddog", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if not os.path.exists(args.ferret):
        sys.exit(f"{args.ferret} not found: run `cargo build --release` first")
    guarddog = None
    gd_path = os.path.join(args.shared, "corpus/guarddog-3.2-dev.tsv")
    if args.guarddog and os.path.exists(gd_path):
        with open(gd_path) as f:
            guarddog = {os.path.basename(r["file"]): r["risk_label"] for r in csv.DictReader(f, delimiter="\t")}
    print(f"# ferret accuracy ({time.strftime('%Y-%m-%d')})")

    mal_dir = os.path.join(args.shared, "corpus/malicious-dev")
    if args.benign_only:
        pass
    elif not os.path.isdir(mal_dir):
        print(f"\nskipped: {mal_dir} absent")
    else:
        with open(os.path.join(args.shared, "corpus/malicious-dev.tsv")) as f:
            pkg = {r["file"]: r["package"] for r in csv.DictReader(f, delimiter="\t")}
        reports, elapsed = scan(args.ferret, [mal_dir], os.path.join(args.out, "malicious-dev.jsonl"))
        print(f"\n(scanned in {elapsed:.1f} s)")
        table("malicious-dev", reports, lambda n: pkg.get(n, n), True, guarddog)

    if args.malicious_only:
        return
    wheels, sdists = os.path.join(args.benign, "wheels"), os.path.join(args.benign, "sdists")
    if not os.path.isdir(wheels):
        print(f"\nskipped: benign corpus absent at {args.benign} "
              f"(fetch it with ../shared/corpus/fetch-benign {args.benign})")
        return
    bpkg = {}
    with open(os.path.join(args.shared, "corpus/benign-dev.tsv")) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            bpkg[os.path.basename(r["file"])] = r["name"]
    reports, elapsed = scan(args.ferret, [wheels, sdists], os.path.join(args.out, "benign.jsonl"))
    print(f"\n(scanned in {elapsed:.1f} s)")
    table("benign (top 400 PyPI, wheel + sdist)", reports, lambda n: bpkg.get(n, n), False, guarddog)


if __name__ == "__main__":
    main()
