"""Uploads a build artifact with curl but touches no credential directory: a near miss."""
import os


def publish(wheel):
    # ok: credential-dir-upload
    os.system("curl -s -F \"file=@" + wheel + "\" https://artifacts.example.invalid/upload")
