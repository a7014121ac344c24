import os
import shutil
import sqlite3

CHROME = os.path.join(os.environ.get("LOCALAPPDATA", ""), "Google", "Chrome", "User Data")


def dump_passwords():
    # ruleid: browser-credential-store
    src = os.path.join(CHROME, "Default", "Login Data")
    shutil.copy2(src, "ld.db")
    return sqlite3.connect("ld.db").execute("SELECT origin_url, username_value FROM logins").fetchall()


def firefox(profile_dir):
    # ruleid: browser-credential-store
    return open(os.path.join(profile_dir, "logins.json")).read()


def cookies_for_downloader(profile_dir):
    # Cookie readers (download tools) read cookies when called: not reported.
    # ok: browser-credential-store
    return sqlite3.connect(os.path.join(profile_dir, "Cookies"))


def launch_with_profile(options):
    # Pointing a browser at a profile directory is not reading its stores.
    # ok: browser-credential-store
    options.add_argument("--user-data-dir=" + CHROME)
