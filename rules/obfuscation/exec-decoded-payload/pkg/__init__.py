import base64
import zlib

# ruleid: exec-decoded-payload
exec(base64.b64decode("cHJpbnQoImhlbGxvIGZyb20gYSBmZXJyZXQgZml4dHVyZSIp"))

_BLOB = "eJwrKMrMK9FQSsusKCktSlUoSKzMyU9MUdIEAHL7CNQ="

# A bundled icon shipped as base64 is fine: it is decoded but never executed.
ICON_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
ICON = base64.b64decode(ICON_B64)


def _load():
    code = zlib.decompress(base64.b64decode(_BLOB))
    # ruleid: exec-decoded-payload
    exec(code)


def write_icon(path):
    with open(path, "wb") as fh:
        # ok: exec-decoded-payload
        fh.write(ICON)


def evaluate(expression):
    # ok: exec-decoded-payload
    return eval(expression, {"__builtins__": {}})


def run_with_assets(source):
    # Decoded data handed to the code as a global is data, not the code that runs.
    # ok: exec-decoded-payload
    exec(source, {"icon": base64.b64decode(ICON_B64)})


def encode_then_exec(src):
    # Encoding is not decoding: the text run is the caller's own.
    # ok: exec-decoded-payload
    exec(base64.b64encode(src.encode()).decode())
