"""Pure extraction: load documents, recognise editions, locate sections by caption, parse cells."""
