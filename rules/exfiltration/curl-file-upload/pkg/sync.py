import os
import subprocess


def upload_archive(archive):
    # The command is concatenated around an unknown path; the literal piece is what matches.
    # ruleid: curl-file-upload
    command = "curl -k -F \"file=@" + archive + "\" \"https://192.0.2.10/api/v1/file/upload\" > /dev/null 2>&1"
    os.system(command)


def put_report(path):
    # ruleid: curl-file-upload
    subprocess.run("curl -s -T %s https://upload.example.invalid/drop/" % path, shell=True)


def fetch_release():
    # A download, not an upload.
    # ok: curl-file-upload
    os.system("curl -fsSL -o release.tar.gz https://example.invalid/release.tar.gz")


def post_form_field():
    # A plain form field, no file attached.
    # ok: curl-file-upload
    os.system('curl -s -F "token=abc123" https://api.example.invalid/v1/ping')


def post_json():
    # ok: curl-file-upload
    os.system("curl -s -d '{\"ok\": true}' -H 'Content-Type: application/json' https://api.example.invalid/v1/items")
