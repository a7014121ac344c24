"""More benign package texts."""
from generate import benign, pkginfo


def simple_setup(name, version, pkg, extra=""):
    return (f'from setuptools import setup\n\nsetup(\n    name="{name}",\n    version="{version}",\n'
            f'    packages=["{pkg}"],\n{extra})\n')


def define(SPAWN_RISK, EXEC_RISK):
    # 5 CLI reading its own config and calling an API
    benign("config-reader-cli",
           "CLI reading ~/.config/weathercli/config.toml (path may come from $XDG_CONFIG_HOME) and querying an API with its settings",
           ["credential-file-access", "sensitive-data-sent", "env-harvesting"], {
        "PKG-INFO": pkginfo("weathercli", "0.5.0", "Weather in the terminal"),
        "setup.py": simple_setup("weathercli", "0.5.0", "weathercli",
                                 '    entry_points={"console_scripts": ["weather = weathercli.cli:main"]},\n'),
        "weathercli/__init__.py": '__version__ = "0.5.0"\n',
        "weathercli/cli.py": '''"""weather CITY - print today's forecast."""
import argparse
import json
import os
import pathlib
import tomllib
import urllib.parse
import urllib.request

API = "https://api.example.invalid/v1/forecast"


def config_path():
    base = os.environ.get("XDG_CONFIG_HOME") or pathlib.Path.home() / ".config"
    return pathlib.Path(base) / "weathercli" / "config.toml"


def load_config():
    try:
        with open(config_path(), "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}


def forecast(city, units):
    query = urllib.parse.urlencode({"q": city, "units": units})
    with urllib.request.urlopen(f"{API}?{query}", timeout=10) as resp:
        return json.load(resp)


def main(argv=None):
    cfg = load_config()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("city", nargs="?", default=cfg.get("city", "Paris"))
    parser.add_argument("--units", default=cfg.get("units", "metric"))
    args = parser.parse_args(argv)
    data = forecast(args.city, args.units)
    print(f"{args.city}: {data.get('summary', '?')}, {data.get('temp', '?')}")
''',
    })

    # 6 credential path only mentioned in docs, comments, help text
    benign("docs-mention-aws",
           "mentions ~/.aws/credentials and ~/.ssh/id_rsa only in a docstring, comments and argparse help; boto3 reads them",
           ["credential-file-access", "sensitive-data-sent"], {
        "PKG-INFO": pkginfo("s3sync-lite", "1.1.0", "Mirror a directory to S3"),
        "setup.py": simple_setup("s3sync-lite", "1.1.0", "s3sync_lite"),
        "s3sync_lite/__init__.py": '''"""Mirror a local directory to an S3 bucket.

Credentials are resolved by boto3 as usual: environment variables, then the profile in
``~/.aws/credentials``. This package never opens that file itself. Git-over-SSH remotes keep
using ``~/.ssh/id_rsa`` through your ssh-agent; we do not touch it either.
"""
import argparse
import os

__version__ = "1.1.0"

# NOTE: do not read ~/.aws/credentials here; let boto3 pick the profile.


def build_parser():
    p = argparse.ArgumentParser(prog="s3sync")
    p.add_argument("src")
    p.add_argument("bucket")
    p.add_argument("--profile", help="profile name from ~/.aws/credentials (read by boto3)")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    import boto3

    session = boto3.Session(profile_name=args.profile)
    s3 = session.client("s3")
    for root, _dirs, names in os.walk(args.src):
        for name in names:
            path = os.path.join(root, name)
            s3.upload_file(path, args.bucket, os.path.relpath(path, args.src))
''',
    })

    # 7 plugin loader with importlib
    benign("plugin-loader-importlib",
           "loads plugins with importlib.import_module on names from a config file / env var and from entry points",
           ["remote-code-load", "dynamic-dangerous-call", "download-and-execute", "exec-decoded-payload"], {
        "PKG-INFO": pkginfo("lintkit", "0.8.0", "Pluggable linter framework"),
        "setup.py": simple_setup("lintkit", "0.8.0", "lintkit"),
        "lintkit/__init__.py": '__version__ = "0.8.0"\n',
        "lintkit/plugins.py": '''"""Plugin discovery."""
import configparser
import importlib
import importlib.metadata
import os

DEFAULT = ["lintkit.checks.whitespace", "lintkit.checks.imports"]


def configured_names(path="setup.cfg"):
    names = list(DEFAULT)
    cfg = configparser.ConfigParser()
    cfg.read(path)
    names += cfg.get("lintkit", "plugins", fallback="").split()
    names += [n for n in os.environ.get("LINTKIT_PLUGINS", "").split(",") if n]
    return names


def load_plugins(path="setup.cfg"):
    plugins = []
    for name in configured_names(path):
        module = importlib.import_module(name)
        plugins.append(getattr(module, "check"))
    for ep in importlib.metadata.entry_points(group="lintkit.checks"):
        plugins.append(ep.load())
    return plugins
''',
        "lintkit/checks/__init__.py": "",
        "lintkit/checks/whitespace.py": 'def check(line):\n    return line != line.rstrip()\n',
        "lintkit/checks/imports.py": 'def check(line):\n    return line.startswith("from ") and " import *" in line\n',
    })

    # 8 pickle and marshal for caching
    benign("pickle-marshal-cache",
           "caches parsed data with pickle and an index with marshal under ~/.cache; never execs it",
           ["marshal-exec", "exec-decoded-payload", "credential-file-access"], {
        "PKG-INFO": pkginfo("feedcache", "0.2.0", "Cached RSS parsing"),
        "setup.py": simple_setup("feedcache", "0.2.0", "feedcache"),
        "feedcache/__init__.py": '''"""Cache parsed feeds on disk."""
import hashlib
import marshal
import os
import pickle

__version__ = "0.2.0"
CACHE = os.path.join(os.path.expanduser("~/.cache"), "feedcache")
INDEX = os.path.join(CACHE, "index.marshal")


def _key(url):
    return hashlib.sha256(url.encode()).hexdigest()


def _load_index():
    try:
        with open(INDEX, "rb") as fh:
            return marshal.load(fh)
    except (OSError, EOFError, ValueError):
        return {}


def get(url):
    if _key(url) not in _load_index():
        return None
    with open(os.path.join(CACHE, _key(url) + ".pickle"), "rb") as fh:
        return pickle.load(fh)


def put(url, feed):
    os.makedirs(CACHE, exist_ok=True)
    with open(os.path.join(CACHE, _key(url) + ".pickle"), "wb") as fh:
        pickle.dump(feed, fh, protocol=pickle.HIGHEST_PROTOCOL)
    index = _load_index()
    index[_key(url)] = url
    with open(INDEX, "wb") as fh:
        marshal.dump(index, fh)
''',
    })

    from benign_def4 import define as d4
    d4(SPAWN_RISK, EXEC_RISK, simple_setup)
