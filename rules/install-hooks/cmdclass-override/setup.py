from setuptools import setup
from setuptools.command.install import install


class PostInstall(install):
    def run(self):
        # ok: cmdclass-override
        install.run(self)


# ruleid: cmdclass-override
setup(
    name="demo-fixture",
    version="0.1",
    packages=["pkg"],
    cmdclass={"install": PostInstall},
)
