"""One sentence splitter for titles and abstracts, shared by every stage that reads text.

A sentence ends at ``.``, ``!`` or ``?`` (and any closing quote or bracket)
followed by white space and a capital, a digit or an opening bracket; a line
break always ends one (a title is a sentence of its own), and so does the
white space before a PubMed section label (``RESULTS:``). A full stop does not
end a sentence after an abbreviation ("vs.", "e.g.", "i.e.", "Fig.", "et
al.", "approx.", "cf.") nor after a list number at a sentence's start ("2.
Currents were..."), and a decimal ("0.5", "95% CI 1.2-3.4") never holds one.
Sentences are returned as character spans of the text with their white space
trimmed, so a reader can quote or highlight them.
"""

from __future__ import annotations

import re

__all__ = ["sentence_spans", "split_sentences"]

#: Words whose full stop is an abbreviation's, never a sentence's end (compared lower-cased, without the stop).
_ABBREVIATIONS = frozenset({
    "vs", "e.g", "eg", "i.e", "ie", "fig", "figs", "al", "approx", "cf", "ca", "resp", "no", "nos", "vol",
    "dr", "prof", "mr", "mrs", "ms", "sp", "spp", "viz", "incl", "ref", "refs", "suppl", "eq", "eqs",
})
#: A candidate end: the stop (and closing quotes or brackets), the white space, then what may open a sentence.
_END = re.compile(r"[.!?][\"”’)\]]*(\s+)(?=[\"“(\[]?[A-Z0-9])")
#: White space before a PubMed section label ("... in 2019 METHODS: We ...") or a line break ends a sentence too.
_LABEL_OR_LINE = re.compile(
    r"\s*\n\s*|(?<=\S)\s+(?=(?:BACKGROUND|INTRODUCTION|CONTEXT|IMPORTANCE|RATIONALE|OBJECTIVES?|AIMS?|PURPOSE|"
    r"HYPOTHES[IE]S|METHODS?|MATERIALS? AND METHODS|DESIGN|SETTINGS?|PARTICIPANTS|PATIENTS|SUBJECTS|"
    r"INTERVENTIONS?|MEASUREMENTS?|MAIN OUTCOMES?|OUTCOMES?|KEY RESULTS|RESULTS|FINDINGS|DISCUSSION|"
    r"CONCLUSIONS?|LIMITATIONS|INTERPRETATION|SIGNIFICANCE|TRIAL REGISTRATION|DATA SOURCES|STUDY SELECTION|"
    r"SEARCH METHODS|SELECTION CRITERIA|DATA EXTRACTION|EXPERIMENTAL (?:APPROACH|DESIGN))[A-Z ,/&-]{0,40}:\s)")
#: A list number or letter that opens a sentence ("2.", "(b)."): its stop does not end the sentence.
_ENUMERATOR = re.compile(r"\(?(?:\d{1,2}|[a-z])\)?")


def _is_abbreviation(text: str, stop: int, start: int) -> bool:
    """Whether the full stop at ``stop`` closes an abbreviation or a list number opening the sentence at ``start``."""
    if text[stop] != ".":
        return False
    word = re.search(r"[^\s(\[]*$", text[start:stop]).group(0)
    opens = not text[start:stop - len(word)].strip()
    return word.lower() in _ABBREVIATIONS or (opens and bool(_ENUMERATOR.fullmatch(word)))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, white space trimmed, empty sentences left out.

    Parameters
    ----------
    text : str
        A title, an abstract, or both joined by a line break.

    Returns
    -------
    list of (int, int)
        Character offsets in ``text``, in order; ``text[start:end]`` is the sentence.

    Examples
    --------
    >>> text = "Ketamine vs. placebo (e.g. 0.5 mg/kg). RESULTS: Response was 52% vs. 18%. Fig. 2 shows it."
    >>> [text[a:b] for a, b in sentence_spans(text)]
    ['Ketamine vs. placebo (e.g. 0.5 mg/kg).', 'RESULTS: Response was 52% vs. 18%.', 'Fig. 2 shows it.']
    """
    cuts = sorted([(m.start(1), m.end(1), m.start()) for m in _END.finditer(text)]
                  + [(m.start(), m.end(), -1) for m in _LABEL_OR_LINE.finditer(text)])
    spans: list[tuple[int, int]] = []
    start = 0
    for gap_start, gap_end, stop in cuts:
        if gap_start < start or (stop >= 0 and _is_abbreviation(text, stop, start)):
            continue
        spans.append((start, gap_start))
        start = gap_end
    spans.append((start, len(text)))
    return [_trim(text, a, b) for a, b in spans if text[a:b].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without its leading and trailing white space."""
    part = text[start:end]
    return start + len(part) - len(part.lstrip()), end - len(part) + len(part.rstrip())


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (see :func:`sentence_spans`).

    Parameters
    ----------
    text : str
        Any text, cut as :func:`sentence_spans` cuts it.

    Returns
    -------
    list of str
        ``text[start:end]`` for each span, in order.

    Examples
    --------
    >>> split_sentences("Mice (n = 12) were used, cf. Smith et al. 2019. 1. Results held.")
    ['Mice (n = 12) were used, cf. Smith et al. 2019.', '1. Results held.']
    """
    return [text[a:b] for a, b in sentence_spans(text)]
