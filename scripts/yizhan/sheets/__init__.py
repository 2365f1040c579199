"""Everything yizhan writes as CSV or XLSX: formula guard, fixed timestamps, templates."""
