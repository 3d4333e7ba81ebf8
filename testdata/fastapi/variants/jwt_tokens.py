import jwt

SIGNING = "k8sPr0d-signing-Value"


def issue(claims):
    key = "s3cr3t-Signing-Value"
    return jwt.encode(claims, key, algorithm="HS256")


def issue_direct(claims):
    return jwt.encode(claims, "s3cr3t-Signing-Value2", algorithm="HS256")


def issue_const(claims):
    return jwt.encode(claims, SIGNING, algorithm="HS256")


def issue_unsigned(claims):
    return jwt.encode(claims, None, algorithm="none")


def read(token, key):
    opts = {"verify_signature": False}
    return jwt.decode(token, key, algorithms=["HS256"], options=opts)


def read_dict(token, key):
    return jwt.decode(token, key, algorithms=["HS256"], options=dict(verify_signature=False))


def read_checked(token, key):
    opts = {"verify_signature": True}
    return jwt.decode(token, key, algorithms=["HS256"], options=opts)


def read_public(token):
    return jwt.decode(token, "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----", algorithms=["ES256"])
