import os
import subprocess

# Inert: the encoded text is `echo fixture`.
ENCODED = "ZWNobyBmaXh0dXJlCg=="

# ruleid: shell-decode-pipe
os.system("echo %s|base64 -d|bash" % ENCODED)


def run_stage(blob):
    # ruleid: shell-decode-pipe
    subprocess.run("echo " + blob + " | base64 --decode | sudo python3", shell=True)


def unpack_assets(blob_file):
    # Decoded into a file and into tar: no interpreter.
    # ok: shell-decode-pipe
    os.system("base64 -d " + blob_file + " | tar xz -C assets")


def checksum(blob_file):
    # ok: shell-decode-pipe
    os.system("base64 -d " + blob_file + " | sha256sum")
