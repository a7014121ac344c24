def greet(name):
    # ok: python-syntax-error
    print("hello", name)
