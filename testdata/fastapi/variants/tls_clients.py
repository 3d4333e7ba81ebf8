import ssl

import httpx
import requests
import urllib3
from OpenSSL import SSL


def fetch(url, insecure=False):
    verify = False
    requests.get(url, verify=verify)
    httpx.get(url, verify=False if insecure else True)
    requests.get(url, verify=True)
    requests.get(url, verify="/etc/ssl/ca.pem")


def pools():
    urllib3.PoolManager(cert_reqs=ssl.CERT_OPTIONAL)
    urllib3.PoolManager(cert_reqs="CERT_NONE")
    urllib3.PoolManager(cert_reqs="NONE")
    urllib3.PoolManager(cert_reqs="CERT_OPTIONAL")
    urllib3.PoolManager(cert_reqs="CERT_REQUIRED")
    urllib3.PoolManager(cert_reqs=ssl.CERT_REQUIRED)


def contexts():
    SSL.Context(SSL.SSLv23_METHOD)
    SSL.Context(method=SSL.TLSv1_1_METHOD)
    SSL.Context(SSL.TLS_METHOD)
    make_socket(ssl_version=ssl.PROTOCOL_TLSv1)
    make_socket(ssl_version=ssl.PROTOCOL_TLS_CLIENT)


def make_socket(sock=None, ssl_version=ssl.PROTOCOL_SSLv3):
    return sock


def modern_socket(sock=None, ssl_version=ssl.PROTOCOL_TLS_CLIENT):
    return sock


class Mailer:
    def __init__(self, options_class):
        # ssl= here chooses SMTP over SSL; it is no certificate check.
        self.options = options_class(ssl=False)
