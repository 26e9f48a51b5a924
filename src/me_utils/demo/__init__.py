"""The illustrative demo-data generator. It stands apart from the analysis: it uses core and
reference only, and only the command line imports it.
"""
