from pynput import keyboard

_keys = []


def _on_press(key):
    _keys.append(str(key))


# ruleid: keylogging
_listener = keyboard.Listener(on_press=_on_press)
_listener.start()


def hotkeys(callback):
    # a hotkey feature started when the user asks: not reported
    # ok: keylogging
    return keyboard.Listener(on_press=callback)


def type_text(text):
    # Synthesising key presses is automation, not capture.
    # ok: keylogging
    controller = keyboard.Controller()
    controller.type(text)
