import pyperclip

# ruleid: clipboard-access
_CLIP = pyperclip.paste()


def _watch():
    # runs at import: the module calls it at top level
    # ruleid: clipboard-access
    return pyperclip.paste()


_watch()
