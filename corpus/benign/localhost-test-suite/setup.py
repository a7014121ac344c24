from setuptools import setup

setup(
    name="echoserv",
    version="0.4.0",
    packages=["echoserv"],
)
