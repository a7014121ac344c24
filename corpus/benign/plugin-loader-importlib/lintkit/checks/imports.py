def check(line):
    return line.startswith("from ") and " import *" in line
