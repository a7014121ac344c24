import sys

import pyperclip

# `python -m pkg` prints the clipboard: a command its user runs, not code run on import.
# ok: clipboard-access
sys.stdout.write(pyperclip.paste())
