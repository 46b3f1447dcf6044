"""The yardstick for bench/load.py: a hello-world Flask app, served by gunicorn with the same
settings as Umed in the same run (``gunicorn --chdir bench hello:app``)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
