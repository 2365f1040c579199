"""The one home of each domain rule: numbers, place and status words, working days, ids."""
