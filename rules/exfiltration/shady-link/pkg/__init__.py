# ruleid: shady-link
STAGE_URL = "https://transfer.sh/AbCdEf/payload.bin"

# ok: shady-link
DOCS = "https://docs.example.invalid/guide"
