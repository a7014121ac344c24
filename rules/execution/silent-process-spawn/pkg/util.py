import subprocess


def run_ffmpeg(args):
    # A GUI app hiding the console window of a tool it calls on demand: not reported.
    # ok: silent-process-spawn
    return subprocess.run(["ffmpeg"] + args, creationflags=subprocess.CREATE_NO_WINDOW)


def refresh():
    # ruleid: silent-process-spawn
    subprocess.run(["powershell.exe", "-WindowStyle", "Hidden", "-Command", "Write-Output fixture"])


def query_version():
    # ok: silent-process-spawn
    return subprocess.run(["powershell", "-NoProfile", "-Command", "$PSVersionTable.PSVersion"], capture_output=True)
