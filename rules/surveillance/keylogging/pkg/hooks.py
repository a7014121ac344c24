import ctypes

import keyboard


def poll():
    # ruleid: keylogging
    return [k for k in range(256) if ctypes.windll.user32.GetAsyncKeyState(k) & 1]


def is_quit_pressed():
    # ok: keylogging
    return keyboard.is_pressed("q")
