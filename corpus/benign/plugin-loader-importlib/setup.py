from setuptools import setup

setup(
    name="lintkit",
    version="0.8.0",
    packages=["lintkit"],
)
