#!/usr/bin/env python3
"""Corpus throughput: how fast ferret scans whole corpora, and how much memory it takes.

For each corpus directory, runs one process

    ferret scan --format jsonl --fail-on never [--jobs N] DIR

and prints: files scanned, total MB of archives on disk, MB of Python source analysed, wall and
CPU time, files/s, MB/s (of archive), p50/p95/max time per file (from each JSON line's
`stats.elapsed_ms`), the peak RSS of the ferret process (from os.wait4's rusage for that one
child), and, for the two evaluation corpora, the targets of issue #7 with met / NOT met:

    malicious-dev (5,913 files)    < 10 s wall
    benign corpus (~800 files)     < 60 s wall
    any corpus                     peak RSS < 512 MiB

Default corpora: ../shared/corpus/malicious-dev and ../benign-corpus (made by
`../shared/corpus/fetch-benign ../benign-corpus`), each skipped with a message when absent.
`--smoke` (or `benches/throughput.py corpus/`) runs on the small in-repo corpus only, in about a
second, so CI can check that the command still works; it fails only if ferret fails or its output
does not parse. Timings are measurements, not tests: the exit status ignores the targets unless
`--check-targets` is given. Nothing is installed or executed: ferret only reads the archives.
Only the Python standard library is used.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MALICIOUS_DEFAULT = os.path.normpath(os.path.join(REPO, "..", "shared", "corpus", "malicious-dev"))
BENIGN_DEFAULT = os.path.normpath(os.path.join(REPO, "..", "benign-corpus"))
RSS_TARGET_MIB = 512
# (how a corpus is recognised, label, wall-time target in seconds)
TIME_TARGETS = [
    (lambda p: os.path.basename(p) == "malicious-dev", "5,913 malicious-dev files", 10.0),
    (lambda p: os.path.basename(p) == "benign-corpus", "~800 benign files (1.2 GB)", 60.0),
]
MIB = 1024 * 1024


def dir_stats(path):
    """(regular files, bytes) under path, following no symlinks."""
    n = size = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            p = os.path.join(root, f)
            if os.path.isfile(p) and not os.path.islink(p):
                n += 1
                size += os.path.getsize(p)
    return n, size


def percentile(sorted_values, q):
    """Nearest-rank percentile (q in 0..100) of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(q / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def run_ferret(ferret, path, jobs, out_path):
    """Runs one ferret scan over path, JSON lines into out_path. Returns (wall s, rusage, rc,
    stderr tail). The rusage is that of this one child (os.wait4), so ru_maxrss is its peak RSS."""
    cmd = [ferret, "scan", "--format", "jsonl", "--fail-on", "never"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    cmd.append(path)
    with open(out_path, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _pid, status, rusage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    return wall, rusage, proc.returncode, tail


def parse_lines(path):
    reports = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if line.strip():
                try:
                    reports.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise SystemExit(f"{path}:{i}: ferret output is not JSON: {e}")
    return reports


def verdict(ok):
    return "met" if ok else "NOT met"


def bench(ferret, path, jobs, out_dir):
    """Scans one corpus and prints its figures; returns (ok, targets_met)."""
    name = os.path.basename(os.path.normpath(path))
    n_disk, size = dir_stats(path)
    out_path = os.path.join(out_dir, f"throughput-{name}.jsonl")
    print(f"\n## {name} ({path})")
    print(f"on disk: {n_disk} files, {size / 1e6:.1f} MB ({size / MIB:.1f} MiB)")
    load = os.getloadavg()
    wall, ru, rc, err = run_ferret(ferret, path, jobs, out_path)
    if rc != 0:
        print(f"FAILED: ferret exited with {rc}\n{err}")
        return False, False
    reports = parse_lines(out_path)
    n = len(reports)
    try:
        times = sorted(float(r["stats"]["elapsed_ms"]) for r in reports)
        py_bytes = sum(int(r["stats"].get("python_bytes", 0)) for r in reports)
    except (KeyError, TypeError, ValueError) as e:
        print(f"FAILED: a report lacks stats.elapsed_ms ({e!r})")
        return False, False
    verdicts = {}
    for r in reports:
        verdicts[r.get("verdict")] = verdicts.get(r.get("verdict"), 0) + 1
    cpu = ru.ru_utime + ru.ru_stime
    rss_mib = ru.ru_maxrss / 1024.0  # Linux: KiB
    print(f"files scanned:      {n}" + ("" if n == n_disk else f" packages  (regular files on disk: {n_disk})"))
    print(f"archives (on disk): {size / 1e6:.1f} MB")
    print(f"python analysed:    {py_bytes / 1e6:.1f} MB")
    print(f"wall time:          {wall:.2f} s   (load average before: {load[0]:.2f})")
    print(f"cpu time:           {cpu:.2f} s   (user {ru.ru_utime:.2f} + sys {ru.ru_stime:.2f}; "
          f"{cpu / wall if wall else 0:.2f} cores busy on average)")
    print(f"throughput:         {n / wall:.1f} files/s, {size / 1e6 / wall:.2f} MB/s of archive, "
          f"{py_bytes / 1e6 / wall:.2f} MB/s of Python")
    print(f"time per file (ms): p50 {percentile(times, 50):.1f}, p95 {percentile(times, 95):.1f}, "
          f"max {times[-1] if times else float('nan'):.1f}"
          + (f" ({os.path.basename(max(reports, key=lambda r: r['stats']['elapsed_ms'])['path'])})"
             if reports else ""))
    print(f"peak RSS:           {rss_mib:.1f} MiB")
    print("verdicts:           " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items(), key=str)))
    met = True
    for match, label, seconds in TIME_TARGETS:
        if match(os.path.normpath(path)):
            ok = wall < seconds
            met &= ok
            print(f"target: {label} in < {seconds:.0f} s: {wall:.1f} s -> {verdict(ok)}")
            break
    else:
        print("target: (no wall-time target for this corpus)")
    ok = rss_mib < RSS_TARGET_MIB
    met &= ok
    print(f"target: peak RSS < {RSS_TARGET_MIB} MiB: {rss_mib:.1f} MiB -> {verdict(ok)}")
    return True, met


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("dirs", nargs="*", metavar="DIR",
                    help="corpus directories to scan (default: %(default)s)",
                    default=[MALICIOUS_DEFAULT, BENIGN_DEFAULT])
    ap.add_argument("--ferret", default=os.path.join(REPO, "target", "release", "ferret"),
                    help="ferret binary (default: target/release/ferret; copy it elsewhere "
                         "if others may rebuild it during the run)")
    ap.add_argument("--jobs", "-j", type=int, default=0,
                    help="ferret worker threads (default: ferret's own, all cores)")
    ap.add_argument("--smoke", action="store_true",
                    help="scan only the in-repo corpus/ (fast; for CI)")
    ap.add_argument("--out", default=None,
                    help="where the JSON lines are kept (default: target/throughput)")
    ap.add_argument("--check-targets", action="store_true",
                    help="exit 1 when a target is not met (default: report only)")
    args = ap.parse_args()

    if args.smoke:
        args.dirs = [os.path.join(REPO, "corpus")]
    if not os.path.isfile(args.ferret) or not os.access(args.ferret, os.X_OK):
        sys.exit(f"{args.ferret} not found or not executable: run `cargo build --release` "
                 "or pass --ferret PATH")
    out_dir = args.out or os.path.join(REPO, "target", "throughput")
    os.makedirs(out_dir, exist_ok=True)

    version = subprocess.run([args.ferret, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"# ferret corpus throughput, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"{version} ({args.ferret}), jobs: {args.jobs or 'default (all cores)'}, "
          f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")

    failed = unmet = scanned = 0
    for d in args.dirs:
        if not os.path.isdir(d):
            hint = ""
            if os.path.normpath(d) == BENIGN_DEFAULT:
                hint = f" (fetch it with ../shared/corpus/fetch-benign {d})"
            elif os.path.normpath(d) == MALICIOUS_DEFAULT:
                hint = " (../shared is not available here)"
            print(f"\n## {os.path.basename(os.path.normpath(d))}: skipped, {d} absent{hint}")
            continue
        ok, met = bench(args.ferret, d, args.jobs, out_dir)
        scanned += 1
        failed += not ok
        unmet += ok and not met
    if scanned == 0:
        print("\nnothing scanned: no corpus present")
    if failed:
        sys.exit(2)
    if args.check_targets and unmet:
        sys.exit(1)


if __name__ == "__main__":
    main()
