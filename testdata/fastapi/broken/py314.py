import requests


def greet(name):
    try:
        return requests.get("https://greeter.internal/hello", timeout=5).text
    except ValueError, TypeError:
        return t"hello {name}"


def fetch(url):
    return requests.get(url, verify=False, timeout=5)
