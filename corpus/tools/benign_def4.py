"""Benign package texts, part 3."""
from generate import benign, pkginfo


def define(SPAWN_RISK, EXEC_RISK, simple_setup):
    # 9 build_ext override running cmake
    benign("cmake-build-ext", "cmdclass build_ext override configuring and building the extension with cmake",
           SPAWN_RISK, {
        "PKG-INFO": pkginfo("geomkit", "3.0.0", "Geometry kernels"),
        "CMakeLists.txt": ("cmake_minimum_required(VERSION 3.15)\nproject(geomkit C)\n"
                           "find_package(Python COMPONENTS Interpreter Development.Module REQUIRED)\n"
                           "Python_add_library(_kernels MODULE src/kernels.c)\n"),
        "src/kernels.c": ('#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n\n'
                          'static struct PyModuleDef mod = {PyModuleDef_HEAD_INIT, "_kernels", NULL, -1, NULL};\n\n'
                          'PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&mod); }\n'),
        "setup.py": '''import os
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class CMakeExtension(Extension):
    def __init__(self, name, sourcedir="."):
        super().__init__(name, sources=[])
        self.sourcedir = os.path.abspath(sourcedir)


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        outdir = os.path.abspath(os.path.dirname(self.get_ext_fullpath(ext.name)))
        cfg = "Debug" if self.debug else "Release"
        args = [f"-DCMAKE_LIBRARY_OUTPUT_DIRECTORY={outdir}", f"-DPython_EXECUTABLE={sys.executable}",
                f"-DCMAKE_BUILD_TYPE={cfg}"]
        os.makedirs(self.build_temp, exist_ok=True)
        subprocess.check_call(["cmake", ext.sourcedir, *args], cwd=self.build_temp)
        subprocess.check_call(["cmake", "--build", ".", "--config", cfg], cwd=self.build_temp)


setup(
    name="geomkit",
    version="3.0.0",
    packages=["geomkit"],
    ext_modules=[CMakeExtension("geomkit._kernels")],
    cmdclass={"build_ext": CMakeBuild},
)
''',
        "geomkit/__init__.py": '"""Geometry kernels."""\nfrom . import _kernels  # noqa: F401\n\n__version__ = "3.0.0"\n',
    })

    # 10 test suite with subprocess and localhost sockets
    benign("localhost-test-suite",
           "an echo server whose tests spawn it with sys.executable and talk to it over 127.0.0.1 sockets",
           ["reverse-shell", "shady-link", "sensitive-data-sent", "silent-process-spawn",
            "install-time-spawn-suspicious"], {
        "PKG-INFO": pkginfo("echoserv", "0.4.0", "A tiny TCP echo server"),
        "setup.py": simple_setup("echoserv", "0.4.0", "echoserv"),
        "echoserv/__init__.py": '__version__ = "0.4.0"\n',
        "echoserv/__main__.py": '''"""python -m echoserv --port N: echo lines back on 127.0.0.1."""
import argparse
import socketserver


class Echo(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(line)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=7007)
    args = parser.parse_args()
    with socketserver.TCPServer(("127.0.0.1", args.port), Echo) as server:
        print("ready", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
''',
        "tests/test_echo.py": '''import socket
import subprocess
import sys

import pytest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "echoserv", "--port", str(port)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    yield port
    proc.terminate()
    proc.wait(timeout=5)


def test_echo(server):
    with socket.create_connection(("127.0.0.1", server), timeout=5) as conn:
        conn.sendall(b"ping\\n")
        assert conn.recv(16) == b"ping\\n"
''',
    })

    # 11 .pth that only adds paths
    benign("pth-path-only", "a .pth file listing directories and a comment only, no import line",
           ["pth-code-execution"], {
        "PKG-INFO": pkginfo("monorepo-paths", "0.1.0", "Adds the monorepo source dirs to sys.path"),
        "setup.py": ('import sysconfig\n\nfrom setuptools import setup\n\nsetup(\n    name="monorepo-paths",\n'
                     '    version="0.1.0",\n    py_modules=[],\n'
                     '    data_files=[(sysconfig.get_paths()["purelib"], ["monorepo_paths.pth"])],\n)\n'),
        "monorepo_paths.pth": ("# make the in-tree libraries importable (imported via sys.path, not executed)\n"
                               "/opt/monorepo/libs/core\n/opt/monorepo/libs/web\n./vendor\n"),
    })

    # 12 vendored compatibility module with an exec_ wrapper (own code, not six)
    benign("vendored-compat-exec",
           "vendored py2/py3 compat module: exec_ from getattr(builtins, 'exec') with a literal name, py2 branch in a literal string",
           ["dynamic-dangerous-call", "exec-obfuscated-string", "exec-decoded-payload", "unanalysed-code"], {
        "PKG-INFO": pkginfo("minitemplate", "0.6.0", "A very small template engine"),
        "setup.py": simple_setup("minitemplate", "0.6.0", "minitemplate"),
        "minitemplate/__init__.py": '__version__ = "0.6.0"\nfrom .engine import render  # noqa: F401\n',
        "minitemplate/_vendor/__init__.py": "",
        "minitemplate/_vendor/compat.py": '''"""Tiny Python 2/3 compatibility layer (vendored copy, trimmed)."""
import sys

IS_PY2 = sys.version_info[0] == 2

if IS_PY2:
    string_types = (basestring,)  # noqa: F821

    def exec_(source, globs=None, locs=None):
        """Run source in the given namespaces (Python 2 statement form)."""
        if globs is None:
            frame = sys._getframe(1)
            globs, locs = frame.f_globals, frame.f_locals
        elif locs is None:
            locs = globs
        exec("exec source in globs, locs")
else:
    import builtins

    string_types = (str,)
    exec_ = getattr(builtins, "exec")
''',
        "minitemplate/engine.py": '''"""Compile `Hello {{ name }}` templates to Python functions."""
import re

from ._vendor.compat import exec_

_FIELD = re.compile(r"{{\\s*(\\w+)\\s*}}")


def compile_template(text):
    parts = []
    for i, piece in enumerate(_FIELD.split(text)):
        parts.append(f"str(ctx[{piece!r}])" if i % 2 else repr(piece))
    source = "def render(ctx):\\n    return " + (" + ".join(parts) or "''") + "\\n"
    namespace = {}
    exec_(source, namespace)
    return namespace["render"]


def render(text, **ctx):
    return compile_template(text)(ctx)
''',
    })

    # 13 version from git describe, stderr silenced
    benign("git-version-setup", "setup.py derives its version from `git describe` with stderr sent to DEVNULL",
           SPAWN_RISK, {
        "PKG-INFO": pkginfo("logtail-py", "1.7.2", "Follow log files"),
        "setup.py": '''import subprocess

from setuptools import setup, find_packages


def git_version(default="1.7.2"):
    try:
        out = subprocess.check_output(["git", "describe", "--tags", "--always"],
                                      stderr=subprocess.DEVNULL, text=True)
    except (OSError, subprocess.CalledProcessError):
        return default
    return out.strip().lstrip("v").replace("-", "+", 1).replace("-", ".")


setup(
    name="logtail-py",
    version=git_version(),
    packages=find_packages(),
)
''',
        "logtail/__init__.py": '''"""Follow log files."""
import time


def follow(path, interval=0.5):
    with open(path) as fh:
        fh.seek(0, 2)
        while True:
            line = fh.readline()
            if line:
                yield line
            else:
                time.sleep(interval)
''',
    })

    # 14 hex-decoded protocol constants
    benign("protocol-hex-constants", "file-type sniffer with magic numbers from bytes.fromhex / binascii.unhexlify",
           ["exec-decoded-payload", "bundled-executable", "exec-obfuscated-string"], {
        "PKG-INFO": pkginfo("sniffmagic", "0.2.1", "Guess a file type from its first bytes"),
        "setup.py": simple_setup("sniffmagic", "0.2.1", "sniffmagic"),
        "sniffmagic/__init__.py": '''"""Guess a file type from its first bytes."""
import binascii

__version__ = "0.2.1"

MAGIC = {
    "png": bytes.fromhex("89504e470d0a1a0a"),
    "gzip": bytes.fromhex("1f8b"),
    "zip": binascii.unhexlify("504b0304"),
    "elf": binascii.unhexlify("7f454c46"),
    "pdf": bytes.fromhex("25504446"),
}


def sniff(path):
    with open(path, "rb") as fh:
        head = fh.read(16)
    for kind, magic in MAGIC.items():
        if head.startswith(magic):
            return kind
    return None
''',
    })
