"""Building the Jupyter Book."""
