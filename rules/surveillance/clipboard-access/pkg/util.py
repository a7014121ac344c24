import ctypes

import pyperclip


def read_raw():
    user32 = ctypes.windll.user32
    user32.OpenClipboard(0)
    # a clipboard library reading through the raw API when called: not reported
    # ok: clipboard-access
    handle = ctypes.windll.user32.GetClipboardData(13)
    user32.CloseClipboard()
    return handle


def paste_command():
    # A CLI command that pastes when the user asks: not reported.
    # ok: clipboard-access
    return pyperclip.paste()


def copy_result(text):
    # ok: clipboard-access
    pyperclip.copy(text)
