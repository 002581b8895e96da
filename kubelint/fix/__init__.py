"""``kubelint check --fix``: the findings' fixes applied as minimal edits of the text.

A fix is data on the finding (kubelint/model/fixes.py): operations on the document's data at paths,
made where the finding is made (the schema explanation, the pipeline) or, for rules whose checks give
only a path, by ``providers.py`` (with ``migrate.py`` for removed apiVersions). ``edits.py`` turns the
operations into span edits of the original text in its own layout (``render.py``) and reads each
edited document back; ``plan.py`` runs the rounds: apply, check the run again, keep what introduces
nothing. The command line (kubelint/cli/fix.py) reads and writes the files.
"""
