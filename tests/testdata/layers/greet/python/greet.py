def greet(name):
    return f"Greetings, {name}, from a layer!"
