"""`make bench`: seed a large helpdesk into PostgreSQL and time the desk's hot paths.

Run `python -m bench --help` for the options; figures go to stdout and var/bench-results.json.
"""
