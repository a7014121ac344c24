import keyboard


def record_all(callback):
    # ruleid: keylogging
    keyboard.hook(callback)


def is_quit_pressed():
    # ok: keylogging
    return keyboard.is_pressed("q")
