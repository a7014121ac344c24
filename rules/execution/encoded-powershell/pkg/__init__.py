import os
import subprocess


def _stage():
    # ruleid: encoded-powershell
    subprocess.Popen(["powershell.exe", "-NoProfile", "-EncodedCommand", "VwByAGkAdABlAC0ATwB1AHQAcAB1AHQAIAAnAGYAaQB4AHQAdQByAGUAJwA="])
    # ruleid: encoded-powershell
    os.system("powershell -nop -enc VwByAGkAdABlAC0ATwB1AHQAcAB1AHQAIAAnAGYAaQB4AHQAdQByAGUAJwA=")


def current_date():
    # ok: encoded-powershell
    return subprocess.check_output(["powershell", "-NoProfile", "-Command", "Get-Date -Format o"])


def execution_policy():
    # ok: encoded-powershell
    return subprocess.check_output(["powershell", "-ExecutionPolicy", "Bypass", "-File", "scripts\\check.ps1"])
