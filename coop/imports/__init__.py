"""Importing a decision matrix (CSV or XLSX, the columns of our export) as resolutions or as
initiatives: a preview with each row's problems, then the valid rows stored on confirmation."""
