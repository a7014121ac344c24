import pyperclip

# ruleid: clipboard-access
_CLIP = pyperclip.paste()
