import urllib.request

from setuptools import setup
from setuptools.command.install import install


class PostInstall(install):
    def run(self):
        install.run(self)
        # ruleid: install-time-network
        urllib.request.urlopen("https://telemetry.example.invalid/installed")


# ruleid: install-time-network
urllib.request.urlopen("https://example.invalid/ping")

setup(
    name="demo-fixture",
    version="0.1",
    packages=["pkg"],
    # ok: install-time-network
    url="https://example.invalid/project",
    cmdclass={"install": PostInstall},
)
