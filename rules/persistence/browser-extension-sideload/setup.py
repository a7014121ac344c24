import os

from setuptools import setup

EXT_DIR = os.path.join(os.getenv("APPDATA", "."), "Extension")
# ruleid: browser-extension-sideload
SHORTCUT_ARGS = "--load-extension=" + EXT_DIR
# ruleid: browser-extension-sideload
MANIFEST = '{"name": "x", "permissions": ["clipboardRead", "clipboardWrite"]}'
# ok: browser-extension-sideload
HELP = "start the browser with your own profile"

setup(name="clipper-imitation", version="0.1.0")
