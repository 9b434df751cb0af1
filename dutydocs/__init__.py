"""dutydocs: one canonical JSON source of a township duty list, published as Word, Excel, PDF and HTML."""

from .model import Document
from .source import dumps, load

__version__ = "0.1.0"
__all__ = ["Document", "__version__", "dumps", "load"]
