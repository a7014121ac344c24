import os

# ruleid: browser-credential-store
_STATE = os.path.join(os.environ.get("LOCALAPPDATA", ""), "Google", "Chrome", "User Data", "Local State")
