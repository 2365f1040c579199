"""Reading what counties and townships send: CSV, XLS/XLSX, YAML, as the officer sees it."""
