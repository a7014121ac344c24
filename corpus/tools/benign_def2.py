"""Benign package texts."""
import json

from generate import b64, benign, pkginfo, zlib


def define(png_icon, wrap, SPAWN_RISK, EXEC_RISK):
    # 1 C helper compiled with gcc through subprocess
    benign("c-extension-gcc", "setup.py build_py override compiling a C helper with $CC/gcc via subprocess.check_call",
           SPAWN_RISK, {
        "PKG-INFO": pkginfo("fastcrc", "2.3.0", "CRC-32C with an optional C speedup"),
        "setup.py": '''import os
import subprocess
import sysconfig

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithHelper(build_py):
    """Compile src/crc.c into the package before copying it."""

    def run(self):
        cc = os.environ.get("CC", "gcc")
        suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
        out = os.path.join("fastcrc", "_crc" + suffix)
        cmd = [cc, "-O2", "-shared", "-fPIC", "-I", sysconfig.get_paths()["include"],
               os.path.join("src", "crc.c"), "-o", out]
        print("compiling:", " ".join(cmd))
        subprocess.check_call(cmd)
        super().run()


setup(
    name="fastcrc",
    version="2.3.0",
    packages=["fastcrc"],
    package_data={"fastcrc": ["_crc*"]},
    cmdclass={"build_py": BuildWithHelper},
)
''',
        "src/crc.c": '''#include <stddef.h>
#include <stdint.h>

uint32_t fastcrc_crc32c(const unsigned char *buf, size_t len, uint32_t crc) {
    crc = ~crc;
    while (len--) {
        crc ^= *buf++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
    }
    return ~crc;
}
''',
        "fastcrc/__init__.py": '''"""CRC-32C, using the compiled helper when it is present."""
import ctypes
import glob
import os

__version__ = "2.3.0"


def _py_crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def _load():
    here = os.path.dirname(__file__)
    for path in glob.glob(os.path.join(here, "_crc*")):
        lib = ctypes.CDLL(path)
        lib.fastcrc_crc32c.restype = ctypes.c_uint32
        return lambda data, crc=0: lib.fastcrc_crc32c(data, len(data), crc)
    return _py_crc32c


crc32c = _load()
''',
    })

    # 2 exec(open(version file).read())
    benign("version-exec", "setup.py reads the version with exec(open('tidyconf/version.py').read())", EXEC_RISK, {
        "PKG-INFO": pkginfo("tidyconf", "0.9.1", "Tidy configuration files"),
        "setup.py": '''from setuptools import setup, find_packages

exec(open("tidyconf/version.py").read())

with open("README.md", encoding="utf-8") as fh:
    long_description = fh.read()

setup(
    name="tidyconf",
    version=__version__,  # noqa: F821 - defined by the exec above
    description="Tidy configuration files",
    long_description=long_description,
    long_description_content_type="text/markdown",
    packages=find_packages(),
)
''',
        "README.md": "# tidyconf\n\nSorts and normalises INI files.\n",
        "tidyconf/version.py": '__version__ = "0.9.1"\n',
        "tidyconf/__init__.py": '''"""Tidy configuration files."""
import configparser

from .version import __version__  # noqa: F401


def tidy(path):
    parser = configparser.ConfigParser()
    parser.read(path)
    with open(path, "w") as fh:
        for section in sorted(parser.sections()):
            fh.write(f"[{section}]\\n")
            for key, value in sorted(parser.items(section)):
                fh.write(f"{key} = {value}\\n")
            fh.write("\\n")
''',
    })

    # 3 base64 PNG written to a file
    icon = b64(png_icon())
    benign("base64-png-icon", "an embedded base64 PNG icon decoded and written to the user's data dir",
           ["exec-decoded-payload", "steganography-exec", "download-and-execute", "bundled-executable"], {
        "PKG-INFO": pkginfo("trayclock", "1.4.0", "A tray clock"),
        "setup.py": 'from setuptools import setup\n\nsetup(name="trayclock", version="1.4.0", packages=["trayclock"])\n',
        "trayclock/__init__.py": '"""A tray clock."""\n__version__ = "1.4.0"\n',
        "trayclock/icon.py": f'''"""The tray icon, embedded so the package is a single directory."""
import base64
import os
import pathlib

ICON_PNG = base64.b64decode(
{wrap(icon)}
)


def icon_path():
    """Write the icon once into the data directory and return its path."""
    base = pathlib.Path(os.environ.get("XDG_DATA_HOME", pathlib.Path.home() / ".local" / "share"))
    path = base / "trayclock" / "icon.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(ICON_PNG)
    return path
''',
    })

    # 4 zlib-compressed data table
    table = {"units": {"km": 1000.0, "m": 1.0, "cm": 0.01, "mm": 0.001, "mi": 1609.344,
                       "yd": 0.9144, "ft": 0.3048, "in": 0.0254, "nmi": 1852.0}}
    blob = b64(zlib.compress(json.dumps(table, sort_keys=True).encode(), 9))
    benign("zlib-data-table", "a base64+zlib compressed JSON unit table decompressed into a dict at import",
           ["exec-decoded-payload", "exec-obfuscated-string", "marshal-exec"], {
        "PKG-INFO": pkginfo("unitconv", "0.3.0", "Length unit conversion"),
        "setup.py": 'from setuptools import setup\n\nsetup(name="unitconv", version="0.3.0", packages=["unitconv"])\n',
        "unitconv/__init__.py": f'''"""Length unit conversion."""
import base64
import json
import zlib

__version__ = "0.3.0"

# Generated by tools/pack_table.py; keeps the wheel small.
_TABLE = {blob!r}
UNITS = json.loads(zlib.decompress(base64.b64decode(_TABLE)))["units"]


def convert(value, src, dst):
    return value * UNITS[src] / UNITS[dst]
''',
    })

    define_more(SPAWN_RISK, EXEC_RISK)


def define_more(SPAWN_RISK, EXEC_RISK):
    from benign_def3 import define as d3
    d3(SPAWN_RISK, EXEC_RISK)
