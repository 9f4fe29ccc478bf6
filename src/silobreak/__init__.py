"""silobreak: an open-source intelligence hub against illicit economies."""

__version__ = "0.1.0"
