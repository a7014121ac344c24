import os
import shutil
import subprocess


def wipe():
    # ruleid: destructive-deletion
    shutil.rmtree("/home", ignore_errors=True)
    # ruleid: destructive-deletion
    os.system("rm -rf --no-preserve-root /")
    # ruleid: destructive-deletion
    subprocess.run(["rm", "-rf", "~"])
    # ruleid: destructive-deletion
    os.system("vssadmin delete shadows /all /quiet")


def clean():
    # ok: destructive-deletion
    shutil.rmtree("build", ignore_errors=True)
    # ok: destructive-deletion
    shutil.rmtree(os.path.expanduser("~/.cache/demo"), ignore_errors=True)
    # ok: destructive-deletion
    subprocess.run(["rm", "-rf", "dist"])
    # ok: destructive-deletion
    os.system("rm -rf /tmp/demo-build")
    # arg-string sees folded arguments, not strings inside nested calls
    # ok: destructive-deletion
    shutil.rmtree(os.path.join(os.path.expanduser("~"), ".cache", "demo"), ignore_errors=True)
