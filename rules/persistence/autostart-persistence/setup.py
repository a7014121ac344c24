import os

from setuptools import setup

# ruleid: autostart-persistence
with open(os.path.expanduser("~/.bashrc"), "a") as rc:
    rc.write("\npython3 -m pkg.agent &\n")

# ruleid: autostart-persistence
os.system("(crontab -l; echo '@reboot python3 -m pkg.agent') | crontab -")

# ok: autostart-persistence
print("To enable completion add 'eval \"$(demo --completion)\"' to your ~/.bashrc")

setup(name="demo-fixture", version="0.1", packages=["pkg"])
