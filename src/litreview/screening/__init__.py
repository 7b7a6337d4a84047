"""Screening: duplicate removal and inclusion rules, the active-learning queue, the stopping aid,
and screening simulations.
"""
