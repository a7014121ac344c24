import os

# Reading a registry token file while being imported.
# ruleid: credential-file-access
_NPM = open(os.path.expanduser("~/.npmrc")).read() if os.path.exists(os.path.expanduser("~/.npmrc")) else ""
