"""Online Lives: the domain.

Content loading and validation, scoring, the response store, exports and the CLI.
Nothing here imports ipywidgets: the UI lives in the `widgets` package.
"""

__version__ = "0.1.0"
