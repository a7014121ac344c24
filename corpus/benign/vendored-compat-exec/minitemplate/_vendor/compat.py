"""Tiny Python 2/3 compatibility layer (vendored copy, trimmed)."""
import sys

IS_PY2 = sys.version_info[0] == 2

if IS_PY2:
    string_types = (basestring,)  # noqa: F821

    def exec_(source, globs=None, locs=None):
        """Run source in the given namespaces (Python 2 statement form)."""
        if globs is None:
            frame = sys._getframe(1)
            globs, locs = frame.f_globals, frame.f_locals
        elif locs is None:
            locs = globs
        exec("exec source in globs, locs")
else:
    import builtins

    string_types = (str,)
    exec_ = getattr(builtins, "exec")
