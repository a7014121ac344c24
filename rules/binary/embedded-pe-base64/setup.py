import base64
import os
import tempfile

from setuptools import setup

# Inert stub: a 16-byte DOS header followed by text, base64-encoded. Not a program.
# ruleid: embedded-pe-base64
PAYLOAD = "TVqQAAMAAAAEAAAA//8AAGluZXJ0IGZlcnJldCBmaXh0dXJlIHN0dWIsIG5vdCBhIHByb2dyYW0u"

path = os.path.join(tempfile.gettempdir(), "fixture-stub.bin")
with open(path, "wb") as fh:
    fh.write(base64.b64decode(PAYLOAD))

setup(name="dropper-imitation", version="0.1.0")
