"""The ``xxgk`` command-line interface (see ``xxgk.cli.main``)."""
