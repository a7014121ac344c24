import os

# A default path computed at import is not a read.
# ok: credential-file-access
DEFAULT_KUBECONFIG = os.path.expanduser("~/.kube/config")

# Reading a registry token file while being imported.
# ruleid: credential-file-access
_NPM = open(os.path.expanduser("~/.npmrc")).read() if os.path.exists(os.path.expanduser("~/.npmrc")) else ""
