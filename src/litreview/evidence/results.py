"""The results sentences of an abstract: where a finding is stated when the conclusion does not state it.

Real abstracts often close on an outlook ("has a robust effect on HPA axis
function"), a hedge about a drug class, or a finding on another question
(treatment response, where the claim is about patients against controls),
while the result the claim needs stands in the results part. The reader
(:mod:`litreview.evidence.reading`) falls back to these sentences when the
title and conclusion give no finding on the claim's outcome.

The results part is the ``RESULTS:`` / ``FINDINGS:`` section when the abstract
is labelled; otherwise the sentences after the last one that states an aim or a
method ("Here, we measured ...", "Blood was collected ...") and before the
conclusion; with neither, the second half of the body. Background sections,
aims and methods are never results.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..corpus.sentences import split_sentences
from .direction import split_conclusion

#: A section label of a structured abstract, one named group per kind of section.
_LABEL = re.compile(
    r"\b(?:(?P<results>RESULTS?|FINDINGS)|(?P<other>BACKGROUND|INTRODUCTION|OBJECTIVES?|AIMS?|PURPOSE|CONTEXT|"
    r"METHODS?|DESIGN|SETTINGS?|PARTICIPANTS|SUBJECTS|PATIENTS|MEASUREMENTS?|INTERVENTIONS?|MAIN OUTCOME MEASURES?|"
    r"MATERIALS? AND METHODS|EXPERIMENTAL DESIGN|CONCLUSIONS?|INTERPRETATION|IMPLICATIONS?))\s*:\s*",
    re.IGNORECASE)
#: A sentence that states what was done or asked, not what was found.
_AIM_OR_METHOD = re.compile(
    r"\b(?:we|this study|the present study|the (?:aim|purpose|objective|goal)s?)\b(?:\s+\w+){0,3}?\s+"
    r"(?:investigat|examin|measur|assess|test|evaluat|stud|compar|hypothesi[sz]|aim|sought|explor|determin|"
    r"analy[sz]|recruit|enrol|randomi[sz]|administer|use|perform|conduct)\w*|"
    r"\b(?:was|were) (?:\w+ly )?(?:measured|collected|assessed|recorded|sampled|obtained|determined|quantified|"
    r"randomi[sz]ed|recruited|enrolled|allocated|assigned|infused|injected|administered|given|used|evaluated|"
    r"tested|analy[sz]ed|rated|scored|performed|conducted|followed|included)\b|"
    r"\b(?:to (?:determine|investigate|examine|assess|test|evaluate|explore|compare)|aimed|were used to)\b",
    re.IGNORECASE)
#: A sentence that reports a finding, even when it also names a method ("... was observed when X was given").
_FINDING = re.compile(r"\b(?:significant\w*|observed|found|showed|increas\w*|decreas\w*|reduc\w*|elevat\w*|"
                      r"higher|lower|greater|fewer|improv\w*|differ\w*|unchanged|none)\b|\bp\s*[<=]", re.IGNORECASE)


def results_sentences(text: str, prefer: str = "") -> list[str]:
    """The sentences of the results part of a title + abstract (none for a text of three sentences or fewer).

    Parameters
    ----------
    text : str
        Title (first line) and abstract, or any text.
    prefer : str, optional
        Regex naming the claim's intervention, passed on to
        :func:`~litreview.evidence.direction.split_conclusion`.

    Returns
    -------
    list of str
        Sentences in their order; neither the title nor a conclusion sentence
        (:func:`~litreview.evidence.direction.split_conclusion`) is one.
    """
    return list(_results(text, prefer))


@lru_cache(maxsize=2048)
def _results(text: str, prefer: str) -> tuple[str, ...]:
    """Cached :func:`results_sentences`."""
    body, conclusion = split_conclusion(text, prefer)
    if not conclusion or len(body) < 2:
        return ()
    lines = text.strip().splitlines()
    title = lines[0].strip() if len(lines) > 1 else ""
    labels = list(_LABEL.finditer(text))
    if any(m.group("results") for m in labels):
        return tuple(s for s in _labelled_results(text, labels) if s not in conclusion)
    sentences = [s for s in body if s != title and not _LABEL.match(s)]
    methods = [i for i, s in enumerate(sentences) if _AIM_OR_METHOD.search(s) and not _FINDING.search(s)]
    start = methods[-1] + 1 if methods else len(sentences) // 2
    return tuple(sentences[start:])


def _labelled_results(text: str, labels: list[re.Match[str]]) -> list[str]:
    """The sentences of a labelled abstract's results section(s)."""
    out: list[str] = []
    for i, match in enumerate(labels):
        if match.group("results"):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
            out += split_sentences(text[match.end():end])
    return out


def clear_caches() -> None:
    """Forget cached results sections (for timing a cold run)."""
    _results.cache_clear()
