"""Evidence per (study, claim): reading the claim, classifying design, population and sample size,
the direction judge (reading, cues, model and its fitted parameters) and the strength score.
"""
