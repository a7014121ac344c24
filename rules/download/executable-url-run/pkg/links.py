"""Names an installer URL for the user to click but starts nothing: a near miss."""

# ok: executable-url-run
INSTALLER = "https://example.invalid/files/setup.msi"


def help_text():
    return "Download the installer from " + INSTALLER
