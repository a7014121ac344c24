import subprocess


def download(url):
    # runtime, not install time
    # ok: install-time-spawn-suspicious
    subprocess.run(["curl", "-sSLO", url])
