# ruleid: webhook-endpoint
HOOK = "https://discord.com/api/webhooks/111111111111111111/Fake-Token-For-Ferret-Fixture_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"

# ruleid: webhook-endpoint
TG = "https://api.telegram.org/bot123456789:AAFakeTokenForFixtureOnly0123456789/sendMessage"

# ruleid: webhook-endpoint
SLACK = "https://hooks.slack.com/services/T11111111/B22222222/abcdefghijklmnopqrstuvwx"

# ruleid: webhook-endpoint
BOT_TOKEN = "123456789:AAFakeTokenForFixtureOnly0123456789"
