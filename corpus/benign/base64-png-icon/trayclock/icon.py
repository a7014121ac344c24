"""The tray icon, embedded so the package is a single directory."""
import base64
import os
import pathlib

ICON_PNG = base64.b64decode(
    'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mPQqr9CEmIY1TCqYfhq'
    'AADjKn0QbiyslAAAAABJRU5ErkJggg=='
)


def icon_path():
    """Write the icon once into the data directory and return its path."""
    base = pathlib.Path(os.environ.get("XDG_DATA_HOME", pathlib.Path.home() / ".local" / "share"))
    path = base / "trayclock" / "icon.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(ICON_PNG)
    return path
