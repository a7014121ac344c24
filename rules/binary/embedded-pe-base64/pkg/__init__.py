"""Embedded base64 assets that are not executables: near misses."""

# A base64 PNG icon, the common kind of blob in GUI packages.
# ok: embedded-pe-base64
ICON = "iVBORw0KGgppbmVydCBmaXh0dXJlIHN0dWI="

# Documentation that mentions the header in the middle of a sentence.
# ok: embedded-pe-base64
NOTE = "Base64 of a PE file starts with TVqQAAMAAAAEAAAA; this module rejects such uploads."
