"""Layer 5 — analysis: intervals, trend models, the one status model, published assessment
methods, funnel plots, the disclosure gate, GBV, leadership, accountability and data quality.
Returns numbers; formats nothing.
"""
