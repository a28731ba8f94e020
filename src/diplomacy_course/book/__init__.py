"""The Jupyter Book: building it, its Sphinx fixes (``html_fixes``) and its hub launch links."""
