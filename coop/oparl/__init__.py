"""OParl: read the partners' council information systems, publish our public data."""
