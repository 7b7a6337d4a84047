"""PubMed and files -> records -> snapshot: the E-utilities client, the PubMed XML parser, the fetch
that refreshes a snapshot, and the offline mirror of PubMed baseline files.
"""
