"""The bare baseline for bench/throughput.py: a Flask app that answers "hello"."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Answer hello."""
    return "hello"


@app.post("/")
def hello_post():
    """Answer hello to a post too, so POST endpoints have a baseline of their own kind."""
    return "hello"
