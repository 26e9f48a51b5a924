"""Layer 8 — render: HTML export (nbconvert templates, CSS files), the index, the scorecard
workbook, Word and PDF, and the checks run on rendered pages.
"""
