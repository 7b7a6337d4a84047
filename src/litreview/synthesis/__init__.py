"""Synthesis: the appraisal of each study, the GRADE rating of each claim's body of evidence, and the
summary tables (review table, Summary of Findings).
"""
