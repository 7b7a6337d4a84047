"""What a review is built on: the controlled vocabularies, records, claims and mechanisms, queries,
the snapshot, the reviewers' decisions log, and where a review folder's files are.
"""
