from setuptools import setup

setup(
    name="weathercli",
    version="0.5.0",
    packages=["weathercli"],
    entry_points={"console_scripts": ["weather = weathercli.cli:main"]},
)
