import subprocess

try:
    # ruleid: detached-python-import
    subprocess.Popen(["python3", "-c", "from example_second_stage import main"], close_fds=True)
except OSError:
    # ruleid: detached-python-import
    subprocess.Popen(["python", "-c", "import warnings; warnings.filterwarnings('ignore'); import example_second_stage"], close_fds=True)
