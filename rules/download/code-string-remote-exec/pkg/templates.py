"""Code templates of the kind that test suites and generators embed: near misses."""

# Source that imports a network module but executes nothing.
# ok: code-string-remote-exec
CLIENT_SNIPPET = """import requests
print(requests.get("https://api.example.invalid/v1/status").json())
"""

# Source that calls exec on local data, with no network module.
# ok: code-string-remote-exec
CONFIG_SNIPPET = """import os
exec(open(os.path.join("conf", "settings.py")).read())
"""

# Prose that mentions the technique but is not source (does not start with an import).
# ok: code-string-remote-exec
WARNING = "Never run exec(urlopen(url).read()) on untrusted URLs; see the requests docs."

# Decoding base64 without executing it.
# ok: code-string-remote-exec
DECODER = "import base64;data = base64.b64decode(blob)"

# A scanner's description of the technique: prose, not source.
# ok: code-string-remote-exec
TECHNIQUE = "exec(base64.b64decode(<literal>)) in setup.py"

# ok: code-string-remote-exec
TECHNIQUE_NESTED = "exec(zlib.decompress(base64.b64decode(<literal>))) at import"
