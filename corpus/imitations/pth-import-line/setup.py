import sysconfig

from setuptools import setup, find_packages

setup(
    name="zz-speedups",
    version="0.1.0",
    packages=find_packages(),
    data_files=[(sysconfig.get_paths()["purelib"], ["zz_speedups.pth"])],
)
