from setuptools import setup

setup(
    name="minitemplate",
    version="0.6.0",
    packages=["minitemplate"],
)
