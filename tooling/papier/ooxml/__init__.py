"""OOXML in one place: the namespace table (names), the returned-file opener (package), the
reader of comments and tracked changes (story, changes, reader), and the edits papier makes
to the DOCX files it writes (edit)."""
