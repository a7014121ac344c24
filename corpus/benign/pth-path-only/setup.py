import sysconfig

from setuptools import setup

setup(
    name="monorepo-paths",
    version="0.1.0",
    py_modules=[],
    data_files=[(sysconfig.get_paths()["purelib"], ["monorepo_paths.pth"])],
)
