def check(line):
    return line != line.rstrip()
