"""``kubelint check --fix``: findings' fixes applied as minimal edits of the text (see edits.py)."""
