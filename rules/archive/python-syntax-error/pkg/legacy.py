# A leftover Python 2 module.
VERSION = "0.1"

# ruleid: python-syntax-error
print "python 2 only"
