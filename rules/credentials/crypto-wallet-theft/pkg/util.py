import os
import shutil

import pyperclip


def grab_wallets(dest):
    appdata = os.getenv("APPDATA", "")
    # ruleid: crypto-wallet-theft
    shutil.copytree(os.path.join(appdata, "Exodus", "exodus.wallet"), dest)
    # ruleid: crypto-wallet-theft
    shutil.copytree(appdata + "\\Electrum\\wallets", dest + "_e")


# ruleid: crypto-wallet-theft
METAMASK = "nkbihfbeogaeaoehlefnkodbefgpgknn"


def swap_clipboard():
    text = pyperclip.paste()
    if text.startswith("0x"):
        # ruleid: crypto-wallet-theft
        pyperclip.copy("0x1111111111111111111111111111111111111111")


def copy_address(address):
    # ok: crypto-wallet-theft
    pyperclip.copy(address)


# ok: crypto-wallet-theft
SUPPORTED_COINS = ["Bitcoin", "Zcash", "Monero", "Ethereum"]
