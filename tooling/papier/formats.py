"""The output formats, in build order; kept apart so the CLI can name them without loading
the writers (start-up time)."""

FORMATS = ("docx", "pdf", "html")
