"""The round commands' view of the DOCX reader, which lives in papier.ooxml."""

from papier.ooxml.changes import Found
from papier.ooxml.reader import Reading, read_docx
from papier.ooxml.story import Paragraph

__all__ = ["Found", "Paragraph", "Reading", "read_docx"]
