"""What notebooks and the CLI call: the whole pipeline (build and write a review) and the JupyterLab
panels for screening and judging.
"""
