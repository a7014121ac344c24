import os
import re

# ruleid: discord-token-theft
TOKEN_RE = r"[\w-]{24}\.[\w-]{6}\.[\w-]{27}"


def find_tokens():
    # ruleid: discord-token-theft
    path = os.path.join(os.getenv("APPDATA", ""), "discord\\Local Storage\\leveldb")
    found = []
    for name in os.listdir(path):
        with open(os.path.join(path, name), errors="ignore") as fh:
            found += re.findall(TOKEN_RE, fh.read())
    return found


def encrypted_tokens(text):
    # ruleid: discord-token-theft
    return [t for t in text.split() if t.startswith("dQw4w9WgXcQ:")]


def send_message(session, channel_id, content):
    # A bot library talks to the API with the token its user gives it.
    # ok: discord-token-theft
    return session.post("https://discord.com/api/v10/channels/" + channel_id + "/messages", json={"content": content})


def mention_pattern():
    # ok: discord-token-theft
    return re.compile(r"<@!?(\d{17,20})>")
