import ssl

import httpx

ssl_context = ssl.create_default_context()
ssl_context.minimum_version = ssl.TLSVersion.TLSv1_2


def fetch_rates() -> dict:
    with httpx.Client(verify=ssl_context, timeout=5.0) as client:
        return client.get("https://rates.example.com/v1").json()
