"""pledges: a curated register of climate commitments, backed by verbatim evidence.

The library works without the command line: `pledges.service` holds the use cases,
`pledges.schema` the records, `pledges.db` the connection and the one transaction boundary.
"""

__version__ = "0.1.0"
