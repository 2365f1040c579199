"""What a person reads when something is wrong: the catalogue, the report, the errors."""
