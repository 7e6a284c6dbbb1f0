"""Search across the partners' papers and our own records; saved searches."""
