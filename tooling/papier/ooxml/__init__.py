"""OOXML in one place: the namespace table (names), the returned-file opener (package), the
reader of comments and tracked changes (story, changes, reader), and the edits papier makes
to the DOCX files it writes (edit)."""

# around a table cell or number generated from data (papier.data.origins): here, not in
# story, so that the data layer names it without loading lxml
DATA_BOOKMARK = "dat-"
