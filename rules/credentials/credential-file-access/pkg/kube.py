import os


def load_kube_config():
    # A Kubernetes client reading its own config when called: not reported.
    # ok: credential-file-access
    with open(os.path.expanduser("~/.kube/config")) as fh:
        return fh.read()
