import base64
import marshal
import types

# ruleid: marshal-exec
exec(marshal.loads(base64.b64decode("YwAAAAAAAAAAAAAAAAEAAAAAAAAA8woAAACXAGQAWgBkAVMAKQLpAQAAAE4pAdoBeKkA8wAAAAD6CTxmaXh0dXJlPvoIPG1vZHVsZT5yBgAAAAEAAABzDgAAAPADAQEB2AQFgAGAAYABcgQAAAA=")))


def _stage():
    blob = base64.b64decode("YwAAAAAAAAAAAAAAAAEAAAAAAAAA8woAAACXAGQAWgBkAVMAKQLpAQAAAE4pAdoBeKkA8wAAAAD6CTxmaXh0dXJlPvoIPG1vZHVsZT5yBgAAAAEAAABzDgAAAPADAQEB2AQFgAGAAYABcgQAAAA=")
    # ruleid: marshal-exec
    code = marshal.loads(blob)
    return types.FunctionType(code, {})


def load_cached_bytecode(path):
    # Reading a .pyc-style cache from disk is what bytecode tools do.
    with open(path, "rb") as fh:
        data = fh.read()
    # ok: marshal-exec
    return marshal.loads(data[16:])


def save(obj, path):
    with open(path, "wb") as fh:
        # ok: marshal-exec
        fh.write(marshal.dumps(obj))
