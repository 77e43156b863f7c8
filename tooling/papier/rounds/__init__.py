"""Comment rounds: reviewer copies out, returned DOCX files in, one comment matrix."""
