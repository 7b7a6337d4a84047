"""Machine proposals for risk-of-bias domains, read from the abstract's wording.

A proposal is only a proposal: the judging panel's risk-of-bias form shows it
beside the domain, and nothing counts until a person saves a judgement
(``rob`` stage of the decisions log, :mod:`litreview.corpus.rob`). Where the
text says nothing about a domain there is no proposal.

RoB 2 (randomised trials, human studies):

- ``randomisation``: a method of sequence generation or allocation concealment
  named (computer-generated, random number table, sealed envelopes, central
  or block randomisation) -> low; "randomised" with no method -> some concerns;
  "non-randomised" -> high;
- ``measurement``: double/triple blind, masked or blinded raters -> low;
  single blind -> some concerns; open label, unblinded -> high;
- ``missing_data``: dropouts, withdrawals or loss to follow-up reported -> some
  concerns (the share cannot be judged from an abstract); intention to treat or
  every participant completing -> low.

SYRCLE (animal studies):

- ``sequence_generation``: as RoB 2's randomisation (low with a method, else
  some concerns: SYRCLE's "unclear");
- ``blinding_assessors``: an observer, experimenter or assessor blind to the
  groups -> low.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..corpus.rob import DOMAINS
from ..corpus.sentences import split_sentences
from .design_cues import DOUBLE_BLIND, NOT_RANDOMISED, OPEN_LABEL, RANDOMISED, SINGLE_BLIND

__all__ = ["RobProposal", "propose_rob"]

_METHOD = re.compile(r"\bcomputer[- ]generated\b|\brandom number\b|\bsealed (?:opaque )?envelopes?\b|"
                     r"\ballocation conceal|\bcentral(?:ly)? randomi|\bblock randomi|\bpermuted blocks?\b|"
                     r"\bstratified randomi", re.I)
_BLIND = re.compile(rf"{DOUBLE_BLIND.pattern}|\bmasked\b|\bblinded (?:raters?|assessors?|"
                    r"investigators?|evaluators?)\b|\braters? (?:were )?blind(?:ed)?\b", re.I)
_DROPOUT = re.compile(r"\bdrop(?:ped)?[- ]?outs?\b|\bwithdr[ae]w\b|\bwithdrawals?\b|\blost to follow[- ]?up\b|"
                      r"\bdiscontinued\b|\bdid not complete\b", re.I)
_COMPLETE = re.compile(r"\bintention[- ]to[- ]treat\b|\bITT\b|\ball (?:\w+ )?(?:participants|patients|subjects) "
                       r"completed\b", re.I)
_ASSESSOR_BLIND = re.compile(r"\b(?:observers?|experimenters?|assessors?|investigators?|raters?|scorers?) "
                             r"(?:were |was )?blind(?:ed)?\b|\bblind(?:ed)? to (?:the )?(?:treatment|group|"
                             r"condition)", re.I)


@dataclass(frozen=True)
class RobProposal:
    """The machine's proposal for one risk-of-bias domain.

    Attributes
    ----------
    domain : str
        ``tool:domain`` (a key of :data:`litreview.corpus.rob.DOMAINS`).
    judgement : str
        ``low``, ``some_concerns`` or ``high``.
    quote : str
        The sentence of the text that the proposal rests on.
    cue : str
        Why, in a few words (e.g. "randomised, no method named").
    """

    domain: str
    judgement: str
    quote: str
    cue: str

    @property
    def label(self) -> str:
        """The domain as the forms name it, e.g. ``RoB 2: bias arising from the randomisation process``."""
        return DOMAINS[self.domain]


def _first(pattern: re.Pattern[str], sentences: list[str]) -> str | None:
    """The first sentence the pattern matches."""
    return next((s for s in sentences if pattern.search(s)), None)


def _randomisation(domain: str, sentences: list[str]) -> RobProposal | None:
    """Sequence generation: low with a method named, some concerns without one, high when not randomised."""
    if quote := _first(NOT_RANDOMISED, sentences):
        return RobProposal(domain, "high", quote, "not randomised")
    if quote := _first(_METHOD, sentences):
        return RobProposal(domain, "low", quote, "randomisation method or concealment named")
    if quote := _first(RANDOMISED, sentences):
        return RobProposal(domain, "some_concerns", quote, "randomised, no method named")
    return None


def propose_rob(text: str, design: str | None, population: str | None) -> list[RobProposal]:
    """Propose risk-of-bias domain judgements from a study's text.

    Parameters
    ----------
    text : str
        Title and abstract (or the curator's summary).
    design : str or None
        The study design in use (``rct``, ``crossover``, ``experimental``...).
    population : str or None
        ``human``, ``animal``, ...

    Returns
    -------
    list of RobProposal
        In the tool's domain order; empty when the tool does not apply (a
        review, a cohort: ROBINS-I has no cues here) or the text says nothing.
    """
    sentences = split_sentences(" ".join(text.split()))
    out: list[RobProposal | None] = []
    if population == "animal":
        out.append(_randomisation("syrcle:sequence_generation", sentences))
        if quote := _first(_ASSESSOR_BLIND, sentences) or _first(_BLIND, sentences):
            out.append(RobProposal("syrcle:blinding_assessors", "low", quote, "assessors blind to the groups"))
    elif design == "rct":
        out.append(_randomisation("rob2:randomisation", sentences))
        if quote := _first(OPEN_LABEL, sentences):
            out.append(RobProposal("rob2:measurement", "high", quote, "open label: assessors knew the treatment"))
        elif quote := _first(_BLIND, sentences):
            out.append(RobProposal("rob2:measurement", "low", quote, "blinded outcome assessment"))
        elif quote := _first(SINGLE_BLIND, sentences):
            out.append(RobProposal("rob2:measurement", "some_concerns", quote, "single blind: assessor unclear"))
        if quote := _first(_DROPOUT, sentences):
            out.append(RobProposal("rob2:missing_data", "some_concerns", quote, "dropouts reported"))
        elif quote := _first(_COMPLETE, sentences):
            out.append(RobProposal("rob2:missing_data", "low", quote, "intention to treat or all completed"))
    order = list(DOMAINS)
    return sorted((p for p in out if p is not None), key=lambda p: order.index(p.domain))
