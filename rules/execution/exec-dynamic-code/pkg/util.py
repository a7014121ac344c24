def run_snippet(code):
    # ruleid: exec-dynamic-code
    exec(code)


def compute(expr):
    # ruleid: exec-dynamic-code
    return eval(expr)


def constant():
    # ok: exec-dynamic-code
    exec("RESULT = 42")


def literal_eval(text):
    import ast
    # ok: exec-dynamic-code
    return ast.literal_eval(text)
