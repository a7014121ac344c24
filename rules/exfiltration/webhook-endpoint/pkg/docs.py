"""Helpers for a chat-notification library: users pass their own webhook URL."""

# Documentation placeholders are not reported.
# ok: webhook-endpoint
EXAMPLE_HOOK = "https://discord.com/api/webhooks/000000000000000000/XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"

# ok: webhook-endpoint
TEMPLATE = "https://discord.com/api/webhooks/{webhook_id}/{webhook_token}"

# A library's base URL carries no token.
# ok: webhook-endpoint
TELEGRAM_BASE = "https://api.telegram.org/bot"

# ok: webhook-endpoint
SLACK_DOCS = "https://api.slack.com/messaging/webhooks"


def send(session, url, text):
    return session.post(url, json={"content": text})

# A test's stand-in URL: the id and token are runs of digits and of the alphabet.
# ok: webhook-endpoint
TEST_HOOK = "https://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz"
