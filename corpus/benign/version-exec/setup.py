from setuptools import setup, find_packages

exec(open("tidyconf/version.py").read())

with open("README.md", encoding="utf-8") as fh:
    long_description = fh.read()

setup(
    name="tidyconf",
    version=__version__,  # noqa: F821 - defined by the exec above
    description="Tidy configuration files",
    long_description=long_description,
    long_description_content_type="text/markdown",
    packages=find_packages(),
)
