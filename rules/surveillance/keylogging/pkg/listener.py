from pynput import keyboard

_keys = []


def _on_press(key):
    _keys.append(str(key))


def start():
    # ruleid: keylogging
    listener = keyboard.Listener(on_press=_on_press)
    listener.start()
    return listener


def type_text(text):
    # Synthesising key presses is automation, not capture.
    # ok: keylogging
    controller = keyboard.Controller()
    controller.type(text)
