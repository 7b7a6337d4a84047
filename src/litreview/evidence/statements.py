"""Sentences that state what a study set out to do, not what it found.

A sentence that states an aim ("To evaluate the hypothesis that ...", "We
aimed to assess ...", "OBJECTIVE: To determine whether ...") names the
claim's words and often an effect verb, but says what was asked, not what
was found: it gives no finding on any claim. Abstracts and quoted evidence
(HealthVer) both carry such sentences.
"""

from __future__ import annotations

import re

#: A sentence that states what a study set out to do (an optional section label first).
AIM = re.compile(r"^\s*(?:[A-Za-z]+:\s*)?(?:to (?:analy[sz]e|assess|evaluate|examine|investigate|explore|"
                 r"determine|test|compare|describe|estimate|identify|study|review|summari[sz]e|"
                 r"characteri[sz]e)\b|(?:we|this study|the present study|this work|this paper|this review) "
                 r"(?:aim|sought|set out|intend)\w*)", re.IGNORECASE)
