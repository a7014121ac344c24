"""Cache parsed feeds on disk."""
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
