"""Layer 3 — intake: bounded readers of submissions (xlsx, csv), cell and header parsing, rules,
pandera schemas, the GBV register's validation, submission templates. Never modifies raw files.
"""
