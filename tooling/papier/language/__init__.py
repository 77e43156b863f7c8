"""Language checks for German lobbying texts (``papier check``), and ``papier check --fix``."""
