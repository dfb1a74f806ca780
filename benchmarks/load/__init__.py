"""Load benchmark at province scale (issue 7 item 3): ``generate`` builds the dataset, ``run`` measures the pages
people use most under gunicorn on loopback against a trivial view of the same server. See docs/performance.md §5.
"""
