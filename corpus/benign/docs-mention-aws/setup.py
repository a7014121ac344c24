from setuptools import setup

setup(
    name="s3sync-lite",
    version="1.1.0",
    packages=["s3sync_lite"],
)
