import os
import subprocess
import sys
import winreg


def persist_run_key():
    # ruleid: autostart-persistence
    key = winreg.OpenKey(winreg.HKEY_CURRENT_USER, r"Software\Microsoft\Windows\CurrentVersion\Run", 0, winreg.KEY_SET_VALUE)
    winreg.SetValueEx(key, "demo", 0, winreg.REG_SZ, sys.executable)


def persist_task():
    # ruleid: autostart-persistence
    subprocess.run(["schtasks", "/create", "/sc", "onlogon", "/tn", "demo", "/tr", sys.executable])


def add_key(pubkey):
    # ruleid: autostart-persistence
    with open(os.path.expanduser("~/.ssh/authorized_keys"), "a") as fh:
        fh.write(pubkey)


def ensure_path(bin_dir):
    # A PATH helper editing the shell profile when the user runs it: not reported.
    # ok: autostart-persistence
    with open(os.path.expanduser("~/.zshrc"), "a") as fh:
        fh.write("\nexport PATH=" + bin_dir + ":$PATH\n")


def list_tasks():
    # ok: autostart-persistence
    return subprocess.check_output(["schtasks", "/query", "/fo", "csv"])


def uninstall_key():
    # ok: autostart-persistence
    return winreg.OpenKey(winreg.HKEY_CURRENT_USER, r"Software\Microsoft\Windows\CurrentVersion\Uninstall")
