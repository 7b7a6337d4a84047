"""The ``litreview`` command: the parser and pipeline commands (:mod:`.main`) and the reviewer's
commands (:mod:`.reviewer`).
"""
