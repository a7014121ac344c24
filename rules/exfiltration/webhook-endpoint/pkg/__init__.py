# ruleid: webhook-endpoint
HOOK = "https://discord.com/api/webhooks/111111111111111111/PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76UMFxFkM-R5Kjp1vRt_1fjORS"

# ruleid: webhook-endpoint
TG = "https://api.telegram.org/bot123456789:AA-6ilI8ihN5KXSc7Tvo-hBKqFYY-kv5ZJr/sendMessage"

# ruleid: webhook-endpoint
SLACK = "https://hooks.slack.com/services/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"

# ruleid: webhook-endpoint
BOT_TOKEN = "123456789:AA-6ilI8ihN5KXSc7Tvo-hBKqFYY-kv5ZJr"
