"""Mirror a local directory to an S3 bucket.

Credentials are resolved by boto3 as usual: environment variables, then the profile in
``~/.aws/credentials``. This package never opens that file itself. Git-over-SSH remotes keep
using ``~/.ssh/id_rsa`` through your ssh-agent; we do not touch it either.
"""
import argparse
import os

__version__ = "1.1.0"

# NOTE: do not read ~/.aws/credentials here; let boto3 pick the profile.


def build_parser():
    p = argparse.ArgumentParser(prog="s3sync")
    p.add_argument("src")
    p.add_argument("bucket")
    p.add_argument("--profile", help="profile name from ~/.aws/credentials (read by boto3)")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    import boto3

    session = boto3.Session(profile_name=args.profile)
    s3 = session.client("s3")
    for root, _dirs, names in os.walk(args.src):
        for name in names:
            path = os.path.join(root, name)
            s3.upload_file(path, args.bucket, os.path.relpath(path, args.src))
