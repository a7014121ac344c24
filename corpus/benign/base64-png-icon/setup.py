from setuptools import setup

setup(name="trayclock", version="1.4.0", packages=["trayclock"])
