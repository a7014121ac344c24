"""Plugin discovery."""
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
