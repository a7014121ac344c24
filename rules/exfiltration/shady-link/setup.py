from setuptools import setup

# ruleid: shady-link
CALLBACK = "http://198.51.100.23:8080/cb"

setup(
    name="demo-fixture",
    version="0.1",
    packages=["pkg"],
    # ok: shady-link
    url="https://example.invalid/demo",
)
