"""Tidy configuration files."""
import configparser

from .version import __version__  # noqa: F401


def tidy(path):
    parser = configparser.ConfigParser()
    parser.read(path)
    with open(path, "w") as fh:
        for section in sorted(parser.sections()):
            fh.write(f"[{section}]\n")
            for key, value in sorted(parser.items(section)):
                fh.write(f"{key} = {value}\n")
            fh.write("\n")
