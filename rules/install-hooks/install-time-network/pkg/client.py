import requests


def fetch(item_id):
    # ok: install-time-network
    return requests.get("https://api.example.invalid/v1/items/" + str(item_id)).json()
