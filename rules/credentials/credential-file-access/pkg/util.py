import configparser
import os
import shutil

# Default locations kept as data (as SDKs do) are not reads.
# ok: credential-file-access
DEFAULTS = {"credentials_file": "~/.aws/credentials", "config_file": "~/.aws/config"}


def grab_key():
    # ruleid: credential-file-access
    with open(os.path.expanduser("~/.ssh/id_rsa")) as fh:
        return fh.read()


def grab_aws():
    parser = configparser.ConfigParser()
    # ruleid: credential-file-access
    parser.read(os.path.expanduser("~/.aws/credentials"))
    return parser


def copy_key(dest):
    home = os.path.expanduser("~")
    # ruleid: credential-file-access
    shutil.copy(os.path.join(home, ".ssh", "id_ed25519"), dest)


def public_key():
    # Public keys are not secrets.
    # ok: credential-file-access
    with open(os.path.expanduser("~/.ssh/id_rsa.pub")) as fh:
        return fh.read()


def own_config():
    # ok: credential-file-access
    with open(os.path.expanduser("~/.config/demo/settings.toml")) as fh:
        return fh.read()


def pypirc_path():
    # distutils-style lookup of .pypirc when the user runs an upload command
    # ok: credential-file-access
    return os.path.join(os.path.expanduser("~"), ".pypirc")
