"""Package layout beyond pyproject.toml: the top-level templates/ folder ships as dutydocs/templates."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["dutydocs", "dutydocs.*"], exclude=["*__pycache__"]),
        "dutydocs.templates",
    ],
    package_dir={"dutydocs.templates": "templates"},
    package_data={"dutydocs.schema": ["*.json"], "dutydocs.templates": ["*"]},
)
