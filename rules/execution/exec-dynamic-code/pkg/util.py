def run_snippet(code):
    # ruleid: exec-dynamic-code
    exec(code)


def compute(expr):
    # ruleid: exec-dynamic-code
    return eval(expr)


def template(name):
    # Known only in part: still code that is not a constant.
    # ruleid: exec-dynamic-code
    exec(f"RESULT = {name}()")


def constant():
    # ok: exec-dynamic-code
    exec("RESULT = 42")


def literal_eval(text):
    import ast
    # ok: exec-dynamic-code
    return ast.literal_eval(text)
