import subprocess

# ruleid: crypto-miner
POOL = "stratum+tcp://pool.example.invalid:3333"


def start():
    # ruleid: crypto-miner
    subprocess.Popen(["./xmrig", "--donate-level", "1", "-o", "pool.example.invalid:3333"])


# ok: crypto-miner
BROKER = "tcp://127.0.0.1:3333"

# ok: crypto-miner
HELP = "data mining utilities for log files"
