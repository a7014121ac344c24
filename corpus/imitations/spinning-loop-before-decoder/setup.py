from setuptools import setup, find_packages

setup(
    name='streamkit-lite',
    version='0.1.0',
    description="Utility helpers",
    packages=find_packages(),
    python_requires=">=3.8",
)
