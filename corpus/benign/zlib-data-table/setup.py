from setuptools import setup

setup(name="unitconv", version="0.3.0", packages=["unitconv"])
