from setuptools import setup

setup(
    name="feedcache",
    version="0.2.0",
    packages=["feedcache"],
)
