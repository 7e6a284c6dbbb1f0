"""The baseline of `make bench`: a bare Flask route that answers "ok"."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
@app.get("/healthz")
def ok():
    """The cheapest answer Flask can give under the same gunicorn."""
    return "ok"
