"""OpenDocument in one place: the returned-file opener (package) and the reader of comments
and tracked changes (reader), which gives the same story model as papier.ooxml."""
