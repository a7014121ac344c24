import requests


def through_proxy(url, host):
    # At run time, by the caller's choice: a proxy or test client.
    # ok: host-header-override
    return requests.get(url, headers={"Host": host})
