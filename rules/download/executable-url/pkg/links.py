# ruleid: executable-url
UPDATER = "https://example.invalid/files/update.exe"

# ruleid: executable-url
HELPER = "http://192.0.2.20/dl/helper.jar?token=1"

# A web page, not an executable.
# ok: executable-url
HOMEPAGE = "https://example.invalid/downloads/update.exe.html"

# A file name without a URL.
# ok: executable-url
LOCAL = "C:\\Tools\\update.exe"

# ok: executable-url
ARCHIVE = "https://example.invalid/files/tool-1.0.tar.gz"
