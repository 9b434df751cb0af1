"""python -m dutydocs."""

from .cli import run

run()
