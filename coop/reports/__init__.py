"""The district dashboard and the report for the mayors' conference: they compose initiatives,
decisions, funding and savings, so they sit above those packages."""
