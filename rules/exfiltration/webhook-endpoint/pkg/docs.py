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
