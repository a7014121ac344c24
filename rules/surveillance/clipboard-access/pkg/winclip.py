import win32clipboard

win32clipboard.OpenClipboard()
# ruleid: clipboard-access
_SNAPSHOT = win32clipboard.GetClipboardData(win32clipboard.CF_UNICODETEXT)
win32clipboard.CloseClipboard()
