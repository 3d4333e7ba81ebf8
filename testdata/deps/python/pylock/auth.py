import jwt  # PyJWT


def decode(token, key):
    return jwt.decode(token, key, algorithms=["HS256"])
