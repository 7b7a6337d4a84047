"""Outputs: the export formats (CSV, Excel, Markdown, HTML, BibTeX, RIS), the bibliography, the HTML
report and its templates, and the figures.
"""
