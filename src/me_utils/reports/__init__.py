"""Layer 7 — reports: one module per report; numeric frames and figures from the evidence base,
and the display helpers that show them in a notebook.
"""
