from setuptools import setup

setup(
    name="sniffmagic",
    version="0.2.1",
    packages=["sniffmagic"],
)
