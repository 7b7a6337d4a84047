"""Sentences that state what a study set out to do, not what it found.

A sentence that states an aim ("To evaluate the hypothesis that ...", "We
aimed to assess ...", "OBJECTIVE: To determine whether ...") names the
claim's words and often an effect verb, but says what was asked, not what
was found: it gives no finding on any claim. Abstracts and quoted evidence
(HealthVer) both carry such sentences.

A statement's negation denies its effect only in its main clause: "people
who do not show symptoms can spread it", "even if they don't have symptoms",
"not as fast as X" and "not all X" name a group, a condition, a comparison
or a share, not a denial (:func:`denies_effect`).
"""

from __future__ import annotations

import re

#: A sentence that states what a study set out to do (an optional section label first).
AIM = re.compile(r"^\s*(?:[A-Za-z]+:\s*)?(?:to (?:analy[sz]e|assess|evaluate|examine|investigate|explore|"
                 r"determine|test|compare|describe|estimate|identify|study|review|summari[sz]e|"
                 r"characteri[sz]e)\b|(?:we|this study|the present study|this work|this paper|this review) "
                 r"(?:aim|sought|set out|intend)\w*)", re.IGNORECASE)

#: Negations that do not deny a statement's effect: inside a relative or conditional clause (up to the next
#: comma), a comparison ("not as fast as"), a share ("not all", "not only").
_NOT_DENIAL = re.compile(r"\b(?:who|whom|which|that|if|unless|whether|when|while|although|though)\b[^,;]*|"
                         r"\bnot (?:as|so) \w+(?: \w+)? as\b|\bnot (?:all|every|only|just)\b", re.IGNORECASE)
#: A negation that denies the effect ("X does not cause Y", "no evidence that X works", "X is ineffective").
_DENIAL = re.compile(r"\b(?:not|no|never|cannot|nothing|neither|nor)\b|n't\b|\b(?:un|in)(?:likely|effective)\b",
                     re.IGNORECASE)


def denies_effect(statement: str) -> bool:
    """True when a plain statement's main clause denies its effect.

    Parameters
    ----------
    statement : str
        A plain-language claim.

    Returns
    -------
    bool
        False when every negation stands in a relative or conditional clause,
        a comparison or a share ("not all masks").

    Examples
    --------
    >>> denies_effect("Drug X does not lower blood pressure."), denies_effect("People who do not smoke live longer.")
    (True, False)
    """
    return bool(_DENIAL.search(_NOT_DENIAL.sub(" ", statement)))
