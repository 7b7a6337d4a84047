"""Cue lexicons of the claim-aware reader (:mod:`litreview._reading`): what words in a clause mean.

Each lexicon is a compiled regex (or a regex fragment other lexicons build
on), grouped by what it marks: where clauses split and what they are about
(comparators, time points, subgroups, other outcomes, treatments, stressors);
null findings, caveats and partial findings; effect words per claim kind;
harms; manipulations of a factor (required-for claims); durability. They are
general English and general pharmacology, never the wording of a particular
study: every one has hand-written test sentences in ``tests/test_direction.py``.
"""

from __future__ import annotations

import re

from .claim_spec import ANAPHORS, DOMAINS
from .direction import _BETTER, _DOWN_STRICT, _UP_STRICT, _WORSE

CLAUSE_SPLIT = re.compile(
    r"\s*;\s*|:\s+|,?\s+\b(?:but|whereas|while|although|though|yet|however)\b,?\s+|"
    r",\s+(?:versus|vs\.?|compared with|as opposed to|in contrast to|unlike)\s+|"
    r",\s+(?=(?:with|and) (?:no|little)\b)|,?\s+and that\s+|,\s+(?=which\b)|"
    r",\s+and\s+(?=(?:[\w-]+\s+){1,3}?(?:was|were|is|are|"
    r"did|had|rose|fell|\w+ed)\b)|,?\s+(?=without (?:\w+ly )?\w+ing\b|without (?:any |a )?(?:\w+ )?"
    r"(?:change|alteration|effect|difference|increase|decrease|improvement|benefit|gain|worsening)s?)|"
    r"\s+and\s+(?=(?:\w+\s+){0,4}?(?:after|with|in|on|under|for|among)\s+(?:the\s+)?"
    r"(?:placebo|saline|vehicle|sham|controls?)\b)",
    re.IGNORECASE,
)
COMPARATOR = re.compile(r"\b(?:placebo(?!-?\s?control)|saline|vehicle|sham|midazolam|controls\b|control (?:group|"
                        r"arm|animals|mice|rats|subjects|participants|condition|session|infusion)s?|untreated|"
                        r"wild-?type)", re.IGNORECASE)
#: "did not differ from placebo" compares the subject with the comparator: it is about the subject.
COMPARISON = re.compile(r"\b(?:from|than|versus|vs\.?|over|relative to|compared (?:with|to)|between)\s+(?:the\s+)?"
                        r"(?:placebo|saline|vehicle|sham|midazolam|controls?)", re.IGNORECASE)
#: The outcome domains a clause names, one named group per domain.
DOMAIN = re.compile("|".join(rf"\b(?P<{name}>{pattern})" for name, pattern in DOMAINS.items()), re.IGNORECASE)
ANAPHOR = re.compile(rf"\b(?:{ANAPHORS})\b", re.IGNORECASE)
LATER = re.compile(r"\b(?:at|by|after|on|from|through|until|over|beyond)\s+(?:day|week|month)s?\s*\d+|"
                   r"\b(?:at|by|after|for|over)\s+(?:\d+|one|two|three|four|five|six|seven|eight|ten|twelve|"
                   r"several|a few)\s*-?\s*(?:days?|weeks?|months?|years?)\b|\blater\b|\bfollow-?up\b|"
                   r"\bno longer\b|\bsubsequent\w*", re.IGNORECASE)
HOURS = re.compile(r"\b\d+\s*(?:h|hours?|min)\b", re.IGNORECASE)
SUBGROUP = re.compile(r"\bsubgroups?\b|\bsubsets?\b|\bonly in\b|\bamong (?:those|the \w+ who)\b|"
                      r"\bin (?:women|men|females|males|responders|non-?responders)\b", re.IGNORECASE)
#: A link between two measures ("this link", "correlated with", "proportional to"): its scope is not the effect's.
LINK = re.compile(r"\b(?:link(?:ed|s)?|correlat\w*|proportional|associations?|relationships?|predict\w*|"
                  r"moderat(?:ed?|es|ing|ors?)|(?:track\w*|trend\w*|went|scaled?|covar\w*) with)\b", re.IGNORECASE)
#: A comparison of doses, regimens or schedules of one treatment ("no advantage of twice- over once-weekly dosing").
DOSING = re.compile(r"\b(?:dos(?:e|es|ing|ages?)|regimens?|frequenc(?:y|ies)|schedules?|routes?|formulations?)\b",
                    re.IGNORECASE)
#: A clause cut at commas and parentheses, to find which part a null finding is said of.
SEGMENT_SPLIT = re.compile(r",\s+|\s*[()]\s*")
#: A part naming the groups compared ("no difference between groups"): its null is the claim's own.
GROUPS = re.compile(r"\b(?:groups?|arms?|conditions?|treatments?|differences?)\b", re.IGNORECASE)
#: Words of a comparison ("over", "than", "versus", "between").
COMPARED = re.compile(r"\b(?:over|than|versus|vs\.?|between|compared)\b", re.IGNORECASE)
#: The agent itself not studied ("the drug itself was not tested"): nothing in the text is a finding on it.
NOT_TESTED = re.compile(r"\b(?:itself |themselves )?(?:was|were|is|are) not (?:itself )?(?:tested|studied|examined|"
                        r"assessed|evaluated|administered|given)\s*(?:[.;]|$)", re.IGNORECASE)
#: Regulatory approval: a finding for a claim about approval ("approved", "licensed", "authorised").
APPROVAL = re.compile(r"\b(?:approv(?:ed|al)|licen[cs]ed|licen[cs]ing|authori[sz](?:ed|ation)|"
                      r"marketing authori[sz]ation)\b", re.IGNORECASE)
#: A title that names its topic ("Efficacy and safety of X in Y", "Effects of X on Y"), not a finding.
TITLE_TOPIC = re.compile(r"^(?:the |an? )?(?:(?:long-term|short-term|comparative|relative|clinical|acute) )?"
                         r"(?:efficacy|effectiveness|effects?|safety|tolerability|impact|influence|role|use|outcomes?)"
                         r"(?: (?:and|&) [\w-]+)?\s+(?:of|on|in)\b", re.IGNORECASE)
#: People named by their outcome ("responders", "remitters"): a group, not a finding.
GROUP_NOUN = re.compile(r"(?:respond|remitt)ers?\b", re.IGNORECASE)
PRIMARY = re.compile(r"\bprimary (?:end-?point|outcome)|\bend-?points?\b", re.IGNORECASE)
CONTEXT_TEXT = re.compile(r"\b(?:(?:we|this|the present) (?:review|summari[sz]e|discuss|describe|propose|"
                          r"hypothesi[sz]e|outline)|(?:narrative|literature|systematic) review|review (?:of|on)|"
                          r"overview|hypothes[ie]s|commentary|perspective|editorial)\b", re.IGNORECASE)
#: Null findings and caveats, read at clause level (a bare "did not" is not one: "patients who did not respond").
CAVEAT = re.compile(
    r"\btrend\w*|\bnumerical\w*|\bmarginal\w*|\btended to\b|\bdid not reach\b|\bfell short\b|\bmissed\b|"
    r"\bfailed to (?:separate|reach|meet|achieve|show|demonstrate|improve|reduce|change|differ)|"
    r"\bdid not (?:separate|meet|achieve|survive)|\bno better than\b|\bindistinguishable\b|\bnot superior\b",
    re.IGNORECASE,
)
NULL_NOUN = (r"(?:difference|association|relationship|correlation|effect|benefit|advantage|improvement|change|"
             r"alteration|impact|influence|increase|decrease|reduction|rise|elevation|shift)s?")
NULL = re.compile(
    r"\bno (?:statistically )?significant|\bnot (?:statistically )?(?:significant|different)|\bnon-?significant|"
    rf"\b(?:no|without|nor|lack of|absence of) (?:[\w-]+ ){{0,2}}{NULL_NOUN}\b|"
    r"\b(?:none|no one|nobody|not (?:one|a single)|no (?:patients?|participants?|subjects?)) (?:[\w-]+ ){0,5}?"
    r"(?:met|reached|achieved|responded|remitted|improved|showed|had|experienced|attained|exhibited)\b|"
    r"\bdid not (?:differ|change|alter|affect|move|shift)|\bunchanged\b|\bunaltered\b|\bunaffected\b|\bcomparable\b|"
    r"\b(?:similar|identical) (?:to|in|between|across|for|with)\b|\bnot (?:associated|related|correlated|changed|"
    r"altered|affected)\b|\bon no (?:\w+ ){0,2}(?:outcomes?|measures?|endpoints?|scales?)\b|"
    r"\b(?:remained|stayed|held) (?:stable|flat|steady|constant|level)\b|\bwithout (?:significantly |measurably )?"
    r"(?:altering|changing|affecting|increasing|decreasing|reducing|raising|lowering|improving)\b|"
    # too small to see: "below the detection limit", "under the sensitivity of the assay", "undetectable"
    r"\b(?:below|under|beneath|beyond|within) (?:the )?(?:[\w-]+ ){0,2}(?:detection|sensitivity|resolution|"
    r"noise|limits? of (?:detection|quantification))\b|\b(?:undetectable|not detectable|not measurable|"
    r"too small to (?:detect|measure|resolve))\b|\bsmaller than (?:[\w-]+ ){0,5}?(?:could|can) (?:detect|resolve)\b",
    re.IGNORECASE,
)
#: A title that states a finding (a verb), not only a topic ("Misuse after clinical ketamine" names a topic).
TITLE_FINDING = re.compile(r"\b(?:is|are|was|were|has|have|caus\w*|leads? to|led to|induc\w*|associated|linked|"
                           r"increas\w*|rais\w*|risk|produc\w*|shows?|showed)\b", re.IGNORECASE)
#: A hypothetical: what would follow if an effect existed ("if the drug raised X, ..."), not a finding.
HYPOTHETICAL = re.compile(r"^(?:and |but )?(?:if|whether|should|had|were)\b|\b(?:would|could|might) have\b",
                          re.IGNORECASE)
#: An effect that faded or did not hold up: it was there, then it was not (a partial finding).
FADED = re.compile(
    r"\bno longer (?:significant|different|present|evident|detectable|apparent|seen)|"
    r"\bdid not (?:persist|last|endure|survive|hold)|\bnot (?:sustained|maintained|persistent|robust)\b|"
    r"\bno longer (?:differ\w*|separat\w*|superior|better|improved|lower|higher|reduced|elevated)|"
    r"\breturned to (?:baseline|pre-?treatment|control)|\b(?:significance|difference|effect|benefit) "
    r"(?:[\w-]+ ){0,5}?(?:was|were) lost\b|"
    r"\b(?:disappeared|dissipated|faded|waned|wore off|lost (?:statistical )?significance)\b|"
    r"\bnot (?:later|thereafter|afterwards|beyond)\b", re.IGNORECASE)
EFFECT_NOUN = (r"(?:effects?|benefits?|improvements?|reductions?|increases?|decreases?|rises?|changes?|"
               r"differences?|responses?|advantages?|signals?|gains?|elevations?|drops?|relief)")
EFFECT_NOUN_RE = re.compile(rf"\b{EFFECT_NOUN}\b", re.IGNORECASE)
#: Qualifiers that make a found effect partial: small, in some patients only.
LIMITED = re.compile(
    rf"\b(?:small|modest|slight|weak|faint|minor)\s+(?:\w+\s+){{0,2}}?{EFFECT_NOUN}\b|"
    r"\b(?:small|modest|slight|weak|faint)(?:ly)?\s+(?:lower|higher|better|greater|reduced|increased|improved|"
    r"elevated|decreased)|\b(?:effects?|benefits?|improvements?|changes?|differences?) (?:was|were) "
    r"(?:small|modest|slight|weak)|\bonly (?:in|among|at|on|during|within|when|for)\b|"
    r"\bonly (?:[\w-]+ ){1,3}?(?:after|post)\b|\b(?:mainly|mostly|largely|predominantly|primarily|chiefly) "
    r"(?:in|among)\b|"
    r"\bin (?:a|one) (?:subgroup|subset)", re.IGNORECASE)
#: Results that disagree among themselves: a partial finding whatever effect the clause names.
INCONSISTENT = re.compile(
    r"\binconsisten\w*|\bheterogene\w*|\berratic\w*|\bvar(?:ied|iable) (?:widely|considerably|greatly|across)|"
    r"\bmixed (?:results|findings|evidence)|\bnot (?:consistently|uniformly|always)\b", re.IGNORECASE)
#: Qualifiers of duration: they limit an effect unless the claim is about onset only.
BRIEF = re.compile(r"\btransient\w*|\bshort-lived|\btemporar\w*|\bbriefly\b|\b(?:was|were) brief\b",
                   re.IGNORECASE)
PREPOSITION = r"(?:at|in|on|after|by|with|among|for|during|until|beyond|over|from|between|within|across|once)"
#: A clause that is only the negated remainder of a contrast ("... at day 1 but not at day 7").
ELLIPTIC_NOT = re.compile(rf"^(?:and |or )?not {PREPOSITION}\b", re.IGNORECASE)
#: "ketamine but not lanicemine reduced ...": the negated name is a comparator, the verb is the subject's.
BUT_NOT_NAME = re.compile(rf",?\s+but not (?!(?:{PREPOSITION}|to)\b)(?:the\s+)?[\w()/-]+(?:\s+[\w()/-]+){{0,2}}?,?"
                          r"(?=\s+(?:\w+ly\s+)?\w+ed\b)", re.IGNORECASE)
#: A manipulation of some factor (blocking it, knocking it out, an antagonist given first) ...
MANIPULATION = re.compile(r"\b(?:blocking|inhibiting|knock-?(?:outs?|downs?)|knock(?:ed|ing)[- ](?:out|down)|delet\w+|"
                          r"lacking|(?:pre-?)?treatment with|pre-?treat\w*|co-?administ\w*|antagonists?|"
                          r"inhibitors?|blockers?|blockade|silenc\w+)\b|-/-", re.IGNORECASE)
#: ... that abolished the effect: a test of what the effect needs, not of which way it goes.
ABOLITION = re.compile(r"\b(?:abolish\w*|prevent\w*|block(?:ed|s)?|blunt\w*|attenuat\w*|revers\w*|eliminat\w*|"
                       r"occlud\w*|failed|lost|absent)\b", re.IGNORECASE)
#: A stressor or disease model (chronic stress, LPS, maternal deprivation): a clause about what it did,
#: without the agent, sets the scene and does not decide.
INDUCER = re.compile(r"\b(?:stress\w*|social defeat|restraint|lipopolysaccharide|lps|deprivation|separation|"
                     r"isolation|corticosterone|injur\w*|lesion\w*|sepsis|surgery|(?:disease|depression|pain) model|"
                     # chronic (unpredictable / mild / variable / social defeat) stress models, abbreviated
                     r"c?u?cms|cus|cvs|csds)\b",
                     re.IGNORECASE)
UP_CHANGE = r"rises?|increases?|elevations?|surges?|upregulation|hyperactivity|overactivity|excess|spikes?"
DOWN_CHANGE = (r"loss(?:es)?|deficits?|decreases?|declines?|reductions?|drops?|falls?|atrophy|depletion|"
               r"downregulation|suppression|impairments?")
#: Undoing a change ("blunted the stress-induced rise", "reversed the loss of spines") moves the other way.
UNDO = re.compile(r"\b(?:revers|normali[sz]|rescu|restor|counteract|prevent|block(?!ers?\b|ade)|blunt|attenuat|"
                  r"abolish|suppress|oppos|undid|undo|ameliorat|mitigat)\w*\s+(?:[\w-]+\s+){0,4}?"
                  rf"(?:(?P<up>{UP_CHANGE})|(?P<down>{DOWN_CHANGE}))\b", re.IGNORECASE)
#: Undoing without naming the change ("ketamine reversed these changes"): read against the induced change.
REVERSED = re.compile(r"\b(?:revers|normali[sz]|rescu|restor|counteract|undid|undo)\w*", re.IGNORECASE)
#: A treatment's effect: for a claim about a condition itself (no agent), a clause about it does not decide.
TREATMENT = re.compile(r"\b(?:after|following|with|on|during|under|by)\s+(?:[\w-]+\s+){0,2}?(?:treatment|therapy|"
                       r"medication|antidepressants?|drugs?|infusions?|dosing)\b|"
                       r"\b(?:treated|given|receiving|taking)\b|"
                       r"\b(?:after|following|with)\s+(?:\w+\s+)?(?:days?|weeks?|months?)\s+(?:of|on)\b",
                       re.IGNORECASE)
#: The authors' verdict that the evidence cannot answer the question yet.
INSUFFICIENT = re.compile(r"\binsufficient (?:evidence|data|for|to)\b|"
                          r"\b(?:evidence|data) (?:is|are|remains?|was|were) (?:insufficient|inconclusive|scarce|"
                          r"lacking|sparse)|\binconclusive\b|"
                          r"\bno firm conclusions?\b|\bcannot (?:yet )?be (?:drawn|established|determined)|"
                          r"\btoo (?:few|small|limited) to\b", re.IGNORECASE)
#: A finding denied outright: "no evidence that", "did not find evidence", "no effective therapy",
#: "not effective", "ineffective", "failed to" (any verb), "unlikely to", "has not been shown to",
#: "is not recommended": the claim's effect is not there.
REFUTED = re.compile(
    r"\bno (?:[\w-]+ ){0,3}?evidence (?:that|of|for|to|linking|supporting)\b|"
    r"\b(?:do|does|did|could|can) not (?:find|show|provide|support|reveal) (?:any )?(?:[\w-]+ ){0,2}?evidence\b|"
    r"\b(?:no|not any) (?:definite|definitive|effective|proven|specific|approved|established|known|curative) "
    r"(?:[\w-]+ ){0,2}?(?:therap(?:y|ies)|treatments?|cures?|vaccines?|drugs?|remed(?:y|ies))\b|"
    r"\bno (?:[\w-]+ ){0,2}?(?:therap(?:y|ies)|treatments?|cures?|vaccines?|drugs?|remed(?:y|ies)) (?:is|are|has been|"
    r"have been) (?:yet |currently |so far )?(?:available|approved|licen[cs]ed|known|proven)\b|"
    r"\b(?:not|neither|nor) (?:\w+ly )?(?:effective|efficacious|protective|beneficial)\b|\bineffective\b|"
    r"\bfailed to \w+|\bunlikely to\b|"
    r"\b(?:has|have|had) (?:not|never) (?:yet )?been (?:shown|proven|proved|demonstrated|established|found) to\b|"
    r"\b(?:is|are) not (?:\w+ly )?recommended\b",
    re.IGNORECASE,
)
WITHOUT = re.compile(r"without\b", re.IGNORECASE)
SIDE_EFFECTS = re.compile(r"\b(?:side|adverse|dissociative|psychotomimetic) effects?\b", re.IGNORECASE)
ANY_EFFECT = re.compile(r"\b(?:alter|chang|modulat|shift|associat|correlat|differ|reorganiz|disrupt|normaliz)",
                        re.IGNORECASE)
HARM_QUALIFIER = re.compile(r"\b(?:mild\w*|minor|transient\w*|short-lived|brief\w*|resolv\w*|self-limit\w*|"
                            r"dissipat\w*|subsided|rare\w*|well[- ]tolerated|tolerable|safe(?:ly)?|"
                            r"no serious|low (?:rate|incidence|risk))\b", re.IGNORECASE)
HARM_SERIOUS = re.compile(r"\b(?:serious|severe|persist\w*|lasting|irreversib\w*|chronic|long-term|permanent\w*|"
                          r"death|fatal|hospitali\w*|ulcerat\w*|damage)\b", re.IGNORECASE)
HARM_ABSENT = re.compile(r"\b(?:no|without|absence of|free of|none|neither|nor|not|never|did not|no cases? of)\b",
                         re.IGNORECASE)
#: A harm named as what was measured ("abuse liability", "craving scores", "rated drug liking") ...
#: A harm denied by a negated link a few words before it ("was not associated with significant misuse").
HARM_NEGATED_LINK = re.compile(
    r"\b(?:not|no|never|neither|nor)\s+(?:[\w-]+\s+){0,2}?(?:associated with|linked (?:to|with)|related to|"
    r"lead(?:ing)? to|led to|result(?:ed|ing)? in|caus\w*|induc\w*|produc\w*|evidence (?:of|for)|signs? of|"
    r"increase[ds]? (?:in )?|rise in)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
HARM_MEASURED_AFTER = re.compile(r"\w*[\s-]+(?:liability|potential|risk|assessments?|screening|questionnaires?|"
                                 r"scales?|scores?|ratings?|measures?|outcomes?)\b", re.IGNORECASE)
HARM_MEASURED_BEFORE = re.compile(r"\b(?:rated|ratings? of|scores? (?:for|of|on)|measured|assessed|evaluated|"
                                  r"examined|screened for|screening for|tested for)\s+(?:\w+\s+){0,2}$",
                                  re.IGNORECASE)
#: ... unless judged: "low abuse potential" is its absence, "high abuse liability" a harm found.
HARM_LOW = re.compile(r"\b(?:low|lower|little|minimal|negligible|limited|no)\b", re.IGNORECASE)
HARM_HIGH = re.compile(r"\b(?:high|higher|substantial|considerable|significant|marked|notable|some|moderate|"
                       r"increased|elevated)\b", re.IGNORECASE)
#: Text between two listed harms ("... or ", "..., "): a harm listed after an absent one is absent too.
LIST_LINK = re.compile(r"\w*\s*(?:,|or|and|nor)\s+(?:\w+\s+)?$", re.IGNORECASE)
#: Nobody affected: after a harm named as measured, "no cases", "none" report its absence.
HARM_NONE = re.compile(r"\b(?:no (?:cases?|patients?|participants?|one|signs?|instances?|reports?)|none|nobody|"
                       r"zero)\b", re.IGNORECASE)
NONE_OF = re.compile(r"\s*(?:none|no|neither|never|not one)\b", re.IGNORECASE)
REMOVAL = (r"knock-?outs?|knock-?downs?|delet\w+|deficien\w+|lacking|lack of|without|absence of|null|-/-|"
           r"silenc\w+|antagonis\w+|antagoniz\w+|blockers?|block\w*|inhibit\w*|pretreat\w*|pre-treat\w*|"
           r"neutraliz\w+|antibod\w+|ablat\w+|mutant|conditional|loss-of-function|knock-?in|alleles?|"
           r"polymorphisms?|variants?|carriers?|genotypes?|mutations?")
NOT_FACTOR = (r"without block\w*|does not block|did not block|no (?:\w+ )?(?:affinity|activity) at|inactive at|"
              r"lack\w* (?:\w+ )?(?:affinity|activity)|independent of|metabolites?")
REPRODUCE = (r"(?:other|another|also|second|different|selective|novel|newer|additional)\s+(?:\w+[\s-]+){0,3}?"
             r"(?:blockers?|antagonists?|blocks?|inhibitors?)|(?:which|that) (?:also )?blocks?")
#: A blocker of the factor named in a clause where the agent does not act: another agent, a test of the class.
BLOCKER = r"(?:channel |receptor )?(?:blockers?|antagonists?|inhibitors?)"
#: The agent named as a comparator ("non-ketamine", "than ketamine", "unlike ketamine"), not as the actor.
AGENT_COMPARED = re.compile(r"(?:\bnon-|\b(?:than|unlike|versus|vs\.?|compared (?:with|to)|other than)\s+)$",
                            re.IGNORECASE)
DEPENDENT = (r"requir\w*|necessary|needed|essential|depend\w*|mediated|dispensable|independent|"
             r"interact\w* with|moderat(?:ed|es) (?:by|the)|(?:is|was|are|were) (?:not )?(?:the )?(?:key|critical|"
             r"crucial)|(?:does|do|did) not account for|accounts? for")
DEPENDENT_NOT = re.compile(r"\b(?:independent|dispensable|not (?:required|necessary|needed|essential)|"
                           r"did not (?:require|depend)|not (?:the )?(?:key|critical|crucial)|not account)",
                           re.IGNORECASE)
INTACT = re.compile(r"\b(?:still|intact|preserved|persisted|remained|unaffected|unaltered|spared|"
                    r"(?:did|does|do) not (?:block|prevent|alter|affect|attenuate|abolish|change|reduce|diminish)|"
                    r"not (?:blocked|prevented|abolished|attenuated|diminished))\b", re.IGNORECASE)
ABOLISHED = re.compile(
    r"\b(?:abolish\w*|prevent\w*|block(?:ed|s)\b|blunt\w*|attenuat\w*|revers\w*|eliminat\w*|occlud\w*|lost|absent|"
    r"unchanged|no longer|failed to|lack\w*|did not (?:separate|produce|reduce|decrease|improve|have|show|exert|induce|"
    r"elicit|increase)|no (?:[\w-]+ ){0,2}(?:effect|benefit|response|improvement|difference)|not antidepressant|"
    r"no better than|(?:was|were) not (?:effective|antidepressant))\b", re.IGNORECASE)
PRESENT = re.compile(r"\b(?:reduc\w*|decreas\w*|lower\w*|improv\w*|produc\w*|induc\w*|antidepressant-like|"
                     r"separated|beat|outperform\w*|superior|respon\w*|relie\w*|effective|rescu\w*|increas\w*|"
                     r"restor\w*)", re.IGNORECASE)
RELAPSE = re.compile(r"\b(?:relaps\w*|return\w*|recur\w*|wore off|wear\w* off|fad\w*|dissipat\w*|wan(?:ed|ing|e)\b|"
                     r"transient\w*|short-lived|temporar\w*|brief\w*|no longer|back to baseline|rebound\w*|"
                     r"not (?:sustained|maintained|durable|lasting)|did not (?:last|persist|endure|remain))",
                     re.IGNORECASE)
SUSTAINED = re.compile(r"\b(?:sustain\w*|maintain\w*|persist\w*|lasting|long-lasting|durab\w*|endur\w*|"
                       r"remain\w* (?:improv|lower|reduc|better|in remission|well|significant)\w*|"
                       r"still (?:improv|lower|reduc|better|in remission|significant)\w*)", re.IGNORECASE)
LASTING_TOPIC = re.compile(r"\b(?:symptom|benefit|effect|improv|respon|remission|depress|mood|relief)",
                           re.IGNORECASE)
#: Fewer events, less of something: a fall ("less suicidal ideation", "fewer attempts"), not "less than".
DOWN = re.compile(rf"{_DOWN_STRICT.pattern}|\b(?:less|fewer)\b(?! than)|\bcut(?:s|ting)?\b(?![- ]?off)", re.IGNORECASE)
#: Clinical benefit said without an improvement verb: "beat placebo", "separated from placebo", "anxiolytic
#: effects", "pain dropped".
BENEFIT = re.compile(rf"{_BETTER.pattern}|\bcut(?:s|ting)?\b(?![- ]?off)|"
                     r"\b(?:dropp?|beat|outperform\w*|separated from|(?:antidepressant|anxiolytic|"
                     r"analgesic|anti-?suicidal|anti-?obsessional|therapeutic)(?:-like)? (?:effects?|actions?|"
                     r"respons\w+|properties|activity|benefits?))", re.IGNORECASE)
#: Lexicons (for the claim, against it) per effect kind.
DIRECTIONAL = {"up": (_UP_STRICT, DOWN), "down": (DOWN, _UP_STRICT), "better": (BENEFIT, _WORSE)}
