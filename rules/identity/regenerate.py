#!/usr/bin/env python3
"""Regenerate rules/identity/popular.txt from a PyPI download ranking.

Usage: python3 rules/identity/regenerate.py PATH/TO/pypi.tsv [OUT]

The TSV has a header line with the columns
    name  version  month  rank_among_15000_most_downloaded  summary
and an empty rank for projects outside the top 15,000. OUT defaults to
popular.txt beside this script.
"""

import csv
import os
import re
import sys

HEADER = """\
# Most downloaded PyPI projects, one per line, most popular first (line order is the rank).
# Names are normalised per PEP 503: re.sub(r"[-_.]+", "-", name).lower().
# Used by ferret_identity to detect typosquatting. Generated; do not edit by hand.
# Regenerate: python3 rules/identity/regenerate.py PATH/TO/pypi.tsv
# (the TSV's rank_among_15000_most_downloaded column orders the names)
"""


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    src = argv[1]
    out = argv[2] if len(argv) == 3 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "popular.txt")

    ranked = []
    with open(src, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        col = next(c for c in reader.fieldnames if c.startswith("rank"))
        for row in reader:
            rank = (row.get(col) or "").strip()
            if rank:
                ranked.append((int(rank), normalize(row["name"])))
    ranked.sort()

    seen = set()
    names = []
    for _, name in ranked:
        if name and name not in seen:
            seen.add(name)
            names.append(name)

    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        for name in names:
            f.write(name + "\n")
    print(f"wrote {len(names)} names to {out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
