def greet(name):
    return "sub " + name
