"""A Selenium helper: loads an extension when a test asks for it (runtime, not install)."""


def chrome_options(path):
    return ["--load-extension=" + path]
