from setuptools import setup

setup(name="svc", install_requires=["fastapi>=0.80"])
