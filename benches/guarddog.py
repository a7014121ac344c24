#!/usr/bin/env python3
"""Side by side with GuardDog: both tools timed on the same fixed sample, in the same run.

What it does, in order:
 1. Picks a fixed, deterministic sample: the malicious files of ../shared/corpus/malicious-dev and
    the benign files of ../benign-corpus/{wheels,sdists}, each list sorted by file name, then n
    evenly spaced files: index floor((i + 0.5) * N / n) for i = 0 .. n-1 (no randomness, so every
    run and every machine with the same corpus gets the same files). Default n: 500 malicious
    files, 50 benign files (--malicious N, --benign M; 0 skips that part).
 2. Creates a virtualenv in target/guarddog-venv (reused when it already holds the pinned version)
    and `pip install guarddog==3.2.0` into it (--guarddog-version to change the pin). GuardDog
    lives only there; nothing of it belongs to the repo.
 3. Reads every sample file once (page cache warm for both tools), then, per part, times:
      - GuardDog as it is used: one `guarddog pypi scan --output-format json FILE` process per
        file (a static scan of the local archive; GuardDog is never used for anything else),
        with a per-file timeout (--timeout, default 120 s; timeouts are counted);
      - ferret, one `ferret scan --format jsonl --fail-on never FILE` process per file (start-up
        paid every time, as GuardDog pays its own);
      - ferret, one batch process over all files of the part (its default threads, or --jobs).
    Wall time and CPU time (user + sys, from os.wait4 of each child) are reported.
 4. Prints per-tool totals, per-file means and the ratios against the targets of issue #7
    (ferret >= 1,000x faster on the malicious files, >= 100x on the benign packages), and both
    tools' detection on the sample: GuardDog's risk label from its JSON (high_risk = malicious,
    suspicious = suspicious, low / no_risks_detected = clean) and its issue count; ferret's
    verdict. Recall on the malicious part, flags on the benign part.

Raw per-file results go to target/guarddog/results.jsonl. Nothing in the corpora is installed,
imported or executed; both tools only read the archives. Parts whose corpus is absent are
skipped with a message. Needs network access to PyPI only when the venv must be created.
"""
import argparse
import collections
import csv
import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(REPO, "..", "shared"))
MALICIOUS_DIR = os.path.join(SHARED, "corpus", "malicious-dev")
BENIGN_DIR = os.path.normpath(os.path.join(REPO, "..", "benign-corpus"))
GUARDDOG_PIN = "3.2.0"
TARGETS = {"malicious": 1000.0, "benign": 100.0}
GD_VERDICT = {"high_risk": "malicious", "suspicious": "suspicious", "low": "clean",
              "no_risks_detected": "clean"}


# ---------------------------------------------------------------- sample

def evenly_spaced(items, n):
    """n items at indices floor((i + 0.5) * N / n): deterministic, spread over the sorted list."""
    items = list(items)
    if n >= len(items):
        return items
    return [items[int((i + 0.5) * len(items) / n)] for i in range(n)]


def malicious_files(d):
    return sorted((os.path.join(d, f) for f in os.listdir(d) if os.path.isfile(os.path.join(d, f))),
                  key=os.path.basename)


def benign_files(d):
    out = []
    for sub in ("wheels", "sdists"):
        p = os.path.join(d, sub)
        if os.path.isdir(p):
            out += [os.path.join(p, f) for f in os.listdir(p) if os.path.isfile(os.path.join(p, f))]
    return sorted(out, key=os.path.basename)


def sample_digest(paths):
    return hashlib.sha256("\n".join(os.path.basename(p) for p in paths).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- processes

def run_timed(cmd, timeout=None, cwd=None, env=None):
    """Runs cmd in its own process group. Returns dict(wall, cpu, rc, out, err, timed_out,
    maxrss_kib). On timeout the whole group (this child and anything it started) is killed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=env,
                                start_new_session=True)
        timed_out = False
        deadline = None if timeout is None else start + timeout
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                pid, status, ru = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rc": proc.returncode,
                "out": out.read().decode("utf-8", "replace"),
                "err": err.read()[-4000:].decode("utf-8", "replace"),
                "timed_out": timed_out, "maxrss_kib": ru.ru_maxrss}


def ensure_guarddog(venv, pin):
    """Creates/reuses the venv with guarddog==pin. Returns (guarddog executable, version)."""
    gd = os.path.join(venv, "bin", "guarddog")
    pip = os.path.join(venv, "bin", "pip")

    def installed_version():
        if not os.path.exists(pip):
            return None
        r = subprocess.run([pip, "show", "guarddog"], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            if line.startswith("Version:"):
                return line.split(":", 1)[1].strip()
        return None

    have = installed_version()
    if have == pin and os.path.exists(gd):
        print(f"GuardDog venv: reusing {venv} (guarddog {have})")
    else:
        if not os.path.exists(os.path.join(venv, "bin", "python")):
            print(f"GuardDog venv: creating {venv}")
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        print(f"GuardDog venv: pip install guarddog=={pin} (had: {have or 'none'})")
        r = subprocess.run([pip, "install", "--quiet", f"guarddog=={pin}"])
        if r.returncode != 0:
            sys.exit(f"pip install guarddog=={pin} failed ({r.returncode}); PyPI unreachable?")
        have = installed_version()
    r = subprocess.run([gd, "--version"], capture_output=True, text=True)
    reported = r.stdout.strip() or "?"
    return gd, have, reported


def parse_guarddog(res):
    """GuardDog's JSON (stdout) -> dict(verdict, label, score, issues, errors)."""
    if res["timed_out"]:
        return {"verdict": "timeout", "label": None, "score": None, "issues": None, "errors": None}
    text = res["out"].strip()
    data = None
    for cand in (text, text[text.find("{"):] if "{" in text else ""):
        try:
            data = json.loads(cand)
            break
        except json.JSONDecodeError:
            continue
    if not isinstance(data, dict) or res["rc"] != 0:
        return {"verdict": "error", "label": None, "score": None, "issues": None,
                "errors": (res["err"].strip().splitlines() or ["(no output)"])[-1][:300]}
    rs = data.get("risk_score") or {}
    label = rs.get("label")
    return {"verdict": GD_VERDICT.get(label, "error" if label is None else label),
            "label": label, "score": rs.get("score"), "issues": data.get("issues"),
            "errors": data.get("errors") or None}


def parse_ferret_lines(text):
    return [json.loads(l) for l in text.splitlines() if l.strip()]


# ---------------------------------------------------------------- reporting

def fmt_s(x):
    return f"{x:.3f}" if x < 100 else f"{x:.1f}"


def line(label, n, wall, cpu, extra=""):
    mean = wall / n if n else float("nan")
    return (f"| {label} | {n} | {fmt_s(wall)} s | {fmt_s(cpu)} s | {mean * 1000:.1f} ms | {extra} |")


def pct(k, n):
    return f"{k}/{n} ({100.0 * k / n:.1f} %)" if n else "0/0"


def part(name, files, gd, ferret, args, published, out):
    n = len(files)
    target = TARGETS[name]
    print(f"\n## {name}: {n} files, {sum(os.path.getsize(f) for f in files) / 1e6:.1f} MB")
    print(f"sample: sorted by file name, every ~{(len(files_all[name]) / n):.2f}th of "
          f"{len(files_all[name])}: index floor((i + 0.5) * {len(files_all[name])} / {n}); "
          f"first {os.path.basename(files[0])}, last {os.path.basename(files[-1])}; "
          f"list sha256[:16] {sample_digest(files)}")
    rows = {os.path.basename(f): {"part": name, "file": os.path.basename(f)} for f in files}

    # GuardDog, one process per file, as it is used.
    gd_wall = gd_cpu = 0.0
    gd_times = []
    workdir = os.path.join(args.out, "work")
    os.makedirs(workdir, exist_ok=True)
    t0 = time.monotonic()
    for i, f in enumerate(files, 1):
        res = run_timed([gd, "pypi", "scan", "--output-format", "json", os.path.abspath(f)],
                        timeout=args.timeout, cwd=workdir)
        v = parse_guarddog(res)
        rows[os.path.basename(f)].update({"guarddog": v, "guarddog_s": round(res["wall"], 4),
                                          "guarddog_cpu_s": round(res["cpu"], 4)})
        gd_wall += res["wall"]
        gd_cpu += res["cpu"]
        gd_times.append(res["wall"])
        if args.progress and (i % args.progress == 0 or i == n):
            print(f"  guarddog {i}/{n} ({time.monotonic() - t0:.0f} s)", file=sys.stderr, flush=True)

    # ferret, one process per file.
    fp_wall = fp_cpu = 0.0
    fp_times = []
    for f in files:
        cmd = [ferret, "scan", "--format", "jsonl", "--fail-on", "never", f]
        if args.jobs:
            cmd[2:2] = ["--jobs", str(args.jobs)]
        res = run_timed(cmd)
        if res["rc"] != 0:
            sys.exit(f"ferret failed on {f} ({res['rc']}): {res['err']}")
        reps = parse_ferret_lines(res["out"])
        rows[os.path.basename(f)].update({
            "ferret_single": reps[0]["verdict"] if reps else "error",
            "ferret_single_s": round(res["wall"], 5)})
        fp_wall += res["wall"]
        fp_cpu += res["cpu"]
        fp_times.append(res["wall"])

    # ferret, one batch process over the whole part.
    cmd = [ferret, "scan", "--format", "jsonl", "--fail-on", "never"]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    res = run_timed(cmd + files)
    if res["rc"] != 0:
        sys.exit(f"ferret batch failed ({res['rc']}): {res['err']}")
    fb_wall, fb_cpu = res["wall"], res["cpu"]
    for r in parse_ferret_lines(res["out"]):
        key = os.path.basename(r["path"])
        if key in rows:
            rows[key].update({"ferret": r["verdict"], "ferret_ms": r["stats"]["elapsed_ms"],
                              "ferret_rules": sorted({x["rule"] for x in r["findings"]
                                                      if x.get("kind") == "threat"})})

    for r in rows.values():
        out.write(json.dumps(r) + "\n")

    gd_to = sum(1 for r in rows.values() if r["guarddog"]["verdict"] == "timeout")
    gd_err = sum(1 for r in rows.values() if r["guarddog"]["verdict"] == "error")
    gd_rule_err = sum(1 for r in rows.values() if r["guarddog"]["verdict"] not in ("timeout", "error")
                      and r["guarddog"]["errors"])
    print("\n| tool | files | wall total | cpu total | wall mean per file | notes |")
    print("|---|---|---|---|---|---|")
    print(line(f"GuardDog {args.gd_version}, 1 process per file", n, gd_wall, gd_cpu,
               f"p50 {statistics.median(gd_times):.2f} s, max {max(gd_times):.2f} s; "
               f"timeouts ({args.timeout:.0f} s) {gd_to}, failures {gd_err}, "
               f"runs reporting rule errors {gd_rule_err}"))
    print(line("ferret, 1 process per file", n, fp_wall, fp_cpu,
               f"p50 {statistics.median(fp_times) * 1000:.1f} ms, max {max(fp_times) * 1000:.1f} ms"))
    print(line(f"ferret, 1 batch process ({args.jobs or 'all'} threads)", n, fb_wall, fb_cpu,
               f"peak RSS {res['maxrss_kib'] / 1024:.0f} MiB"))
    print()
    for label, w, c in (("1 process per file", fp_wall, fp_cpu), ("batch", fb_wall, fb_cpu)):
        rw = gd_wall / w if w else float("inf")
        rc = gd_cpu / c if c else float("inf")
        print(f"ratio GuardDog / ferret ({label}): {rw:,.0f}x wall, {rc:,.0f}x cpu "
              f"-> target >= {target:,.0f}x: {'met' if rw >= target else 'NOT met'} (wall)")

    # Detection on the sample.
    def count(key, vals):
        return sum(1 for r in rows.values() if (r[key]["verdict"] if key == "guarddog" else r.get(key)) in vals)
    gd_issues = sum(1 for r in rows.values() if (r["guarddog"]["issues"] or 0) > 0)
    print()
    if name == "malicious":
        print("detection (recall on malicious files):")
        print(f"  ferret:   malicious {pct(count('ferret', {'malicious'}), n)}, "
              f"at least suspicious {pct(count('ferret', {'malicious', 'suspicious'}), n)}, "
              f"unscannable {count('ferret', {'unscannable'})}")
        print(f"  GuardDog: high_risk {pct(count('guarddog', {'malicious'}), n)}, "
              f"at least suspicious {pct(count('guarddog', {'malicious', 'suspicious'}), n)}, "
              f"any issue {pct(gd_issues, n)}, timeouts {gd_to}, failures {gd_err}")
    else:
        print("detection (flags on benign files):")
        print(f"  ferret:   malicious {pct(count('ferret', {'malicious'}), n)}, "
              f"at least suspicious {pct(count('ferret', {'malicious', 'suspicious'}), n)}, "
              f"unscannable {count('ferret', {'unscannable'})}")
        print(f"  GuardDog: high_risk {pct(count('guarddog', {'malicious'}), n)}, "
              f"at least suspicious {pct(count('guarddog', {'malicious', 'suspicious'}), n)}, "
              f"any issue {pct(gd_issues, n)}, timeouts {gd_to}, failures {gd_err}")
    flag = {"malicious", "suspicious"}
    both = sum(1 for r in rows.values() if r.get("ferret") in flag and r["guarddog"]["verdict"] in flag)
    only_f = sum(1 for r in rows.values() if r.get("ferret") in flag and r["guarddog"]["verdict"] not in flag)
    only_g = sum(1 for r in rows.values() if r.get("ferret") not in flag and r["guarddog"]["verdict"] in flag)
    print(f"  at least suspicious: both {both}, ferret only {only_f}, GuardDog only {only_g}, "
          f"neither {n - both - only_f - only_g}")
    mismatch = [r["file"] for r in rows.values() if r.get("ferret_single") != r.get("ferret")]
    if mismatch:
        print(f"  note: ferret's verdict differs between per-file and batch runs on {len(mismatch)}: "
              + ", ".join(mismatch[:10]))
    if published:
        pub = [(r, published.get(r["file"])) for r in rows.values()]
        pub = [(r, p) for r, p in pub if p is not None]
        same = sum(1 for r, p in pub if r["guarddog"]["label"] == p)
        print(f"  GuardDog's label equals the published guarddog-3.2-dev.tsv label on {same}/{len(pub)}")
    if name == "malicious":
        miss = sorted(r["file"] for r in rows.values() if r.get("ferret") not in flag)
        print(f"  ferret's misses ({len(miss)}): " + (", ".join(miss) or "-"))
    else:
        for who, key in (("ferret", "ferret"), ("GuardDog", "guarddog")):
            fl = sorted((r["file"], r[key]["verdict"] if key == "guarddog" else r.get(key))
                        for r in rows.values()
                        if (r[key]["verdict"] if key == "guarddog" else r.get(key)) in flag)
            print(f"  {who}'s flags ({len(fl)}): " + (", ".join(f"{f} ({v})" for f, v in fl) or "-"))
    errs = [(r["file"], r["guarddog"]["verdict"], r["guarddog"]["errors"]) for r in rows.values()
            if r["guarddog"]["verdict"] in ("timeout", "error")]
    for f, v, e in errs:
        print(f"  GuardDog {v}: {f}" + (f": {e}" if e else ""))
    return gd_wall, fp_wall, fb_wall


files_all = {}


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ferret", default=os.path.join(REPO, "target", "release", "ferret"),
                    help="ferret binary (default: target/release/ferret)")
    ap.add_argument("--malicious", type=int, default=500, metavar="N",
                    help="malicious files in the sample (default 500; 0 skips)")
    ap.add_argument("--benign", type=int, default=50, metavar="M",
                    help="benign files in the sample (default 50; 0 skips)")
    ap.add_argument("--malicious-dir", default=MALICIOUS_DIR)
    ap.add_argument("--benign-dir", default=BENIGN_DIR,
                    help="benign corpus with wheels/ and sdists/ (default ../benign-corpus, made by "
                         "../shared/corpus/fetch-benign)")
    ap.add_argument("--venv", default=os.path.join(REPO, "target", "guarddog-venv"))
    ap.add_argument("--guarddog-version", default=GUARDDOG_PIN,
                    help=f"GuardDog version pinned in the venv (default {GUARDDOG_PIN})")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="GuardDog time limit per file, seconds (default 120)")
    ap.add_argument("--jobs", "-j", type=int, default=0,
                    help="ferret threads (default: ferret's own, all cores)")
    ap.add_argument("--out", default=os.path.join(REPO, "target", "guarddog"))
    ap.add_argument("--sample-only", action="store_true",
                    help="print the sample and exit (no install, no scan)")
    ap.add_argument("--progress", type=int, default=50, metavar="K",
                    help="GuardDog progress on stderr every K files (0: none)")
    args = ap.parse_args()

    parts = []
    if args.malicious > 0:
        if os.path.isdir(args.malicious_dir):
            files_all["malicious"] = malicious_files(args.malicious_dir)
            parts.append(("malicious", evenly_spaced(files_all["malicious"], args.malicious)))
        else:
            print(f"malicious part skipped: {args.malicious_dir} absent (../shared not available)")
    if args.benign > 0:
        bf = benign_files(args.benign_dir) if os.path.isdir(args.benign_dir) else []
        if bf:
            files_all["benign"] = bf
            parts.append(("benign", evenly_spaced(bf, args.benign)))
        else:
            print(f"benign part skipped: no wheels/ or sdists/ in {args.benign_dir} "
                  f"(fetch them with ../shared/corpus/fetch-benign {args.benign_dir})")
    if args.sample_only:
        for name, files in parts:
            for f in files:
                print(f"{name}\t{f}")
        for name, files in parts:  # summary last, so `| tail` shows it
            print(f"{name}: {len(files)} of {len(files_all[name])} files, sample list "
                  f"sha256[:16] {sample_digest(files)}")
        return
    if not parts:
        print("nothing to compare: no corpus present")
        return
    if not os.path.isfile(args.ferret):
        sys.exit(f"{args.ferret} not found: run `cargo build --release` or pass --ferret PATH")

    gd, have, reported = ensure_guarddog(args.venv, args.guarddog_version)
    args.gd_version = have
    os.makedirs(args.out, exist_ok=True)
    fver = subprocess.run([args.ferret, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"# ferret vs GuardDog, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"GuardDog {have} (`guarddog --version`: {reported}) in {args.venv}; "
          f"{fver} ({args.ferret}); cores: {os.cpu_count()}, load average: "
          + ", ".join(f"{x:.2f}" for x in os.getloadavg()))

    published = {}
    tsv = os.path.join(SHARED, "corpus", "guarddog-3.2-dev.tsv")
    if os.path.exists(tsv):
        with open(tsv) as f:
            # "None": GuardDog failed on that file in the published run too.
            published = {os.path.basename(r["file"]): (None if r["risk_label"] in ("", "None")
                                                        else r["risk_label"])
                         for r in csv.DictReader(f, delimiter="\t")}

    # Warm the page cache for both tools alike.
    for _, files in parts:
        for f in files:
            with open(f, "rb") as fh:
                while fh.read(1 << 20):
                    pass

    started = time.monotonic()
    with open(os.path.join(args.out, "results.jsonl"), "w") as out:
        for name, files in parts:
            part(name, files, gd, args.ferret, args, published, out)
    print(f"\n(whole run: {time.monotonic() - started:.0f} s; load average after: "
          + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f"; raw results in "
          f"{os.path.relpath(os.path.join(args.out, 'results.jsonl'), REPO)})")


if __name__ == "__main__":
    main()
