"""Pairing records with claims on what distinguishes the claims (sentences written for these tests)."""

from __future__ import annotations

from litreview.corpus.claims import Claim
from litreview.corpus.records import Article
from litreview.evidence.relevance import pair_claims, pair_record

AGENTS = ("ketamine", "esketamine")


def _claim(cid: str, kind: str, subject: str, effect: str, outcome: str, statement: str) -> Claim:
    """A register claim of the review of ``AGENTS``, with only the fields pairing reads."""
    return Claim(id=cid, mechanism="m", kind=kind, statement=statement, subject=subject, effect=effect,
                 outcome=outcome, sources=(), agents=AGENTS)


def _article(title: str, abstract: str) -> Article:
    """A record with only a title and an abstract."""
    return Article(pmid="1", title=title, abstract=abstract)


SAFETY = _claim("safety", "harms", "serious or lasting adverse effects of ketamine", "is_low", "at antidepressant doses",
                "Ketamine's side effects are minor and transient.")
ABUSE = _claim("abuse", "harms", "abuse and addiction liability of ketamine", "is_low", "in therapeutic use",
               "Ketamine has a low potential for abuse and addiction.")
PLASTICITY = _claim("plasticity", "mechanism_in_people", "ketamine", "increases", "synapse formation and neurogenesis",
                    "Ketamine triggers synapse formation and neurogenesis.")
LOW_BDNF = _claim("low_bdnf", "disease_biology", "BDNF levels in depression, anxiety and PTSD", "is_low",
                  "compared with healthy people", "BDNF is lower than normal in depression, anxiety and PTSD.")
PAIN = _claim("pain", "clinical_efficacy", "ketamine", "improves", "chronic pain", "Ketamine relieves chronic pain.")


def test_a_drug_class_and_a_risk_are_not_side_effects() -> None:
    record = _article("Dissociative anaesthetics and cortical neurons",
                      "RESULTS: Ketamine, a dissociative anaesthetic, reduced firing at the risk of over-inhibition. "
                      "CONCLUSIONS: Ketamine lowers excitation of cortical neurons.")
    assert pair_record(SAFETY, record) is None


def test_reported_side_effects_pair_with_the_safety_claim_not_the_abuse_claim() -> None:
    record = _article("Side effects of ketamine infusions for depression",
                      "METHODS: Adverse events were recorded after each ketamine infusion. RESULTS: Side effects "
                      "of ketamine were mild and resolved within two hours. CONCLUSIONS: Ketamine was safe and "
                      "well tolerated; adverse effects were transient.")
    assert pair_record(SAFETY, record, rivals=[ABUSE]) is not None
    assert pair_record(ABUSE, record, rivals=[SAFETY]) is None


def test_either_part_of_a_listed_outcome_addresses_the_claim() -> None:
    record = _article("Ketamine and neurogenesis in the adult hippocampus",
                      "RESULTS: Ketamine increased neurogenesis in the dentate gyrus. CONCLUSIONS: Neurogenesis "
                      "rose within a day of one ketamine dose.")
    found = pair_record(PLASTICITY, record)
    assert found is not None and "neurogenesis" in found.sentence


def test_a_measure_in_any_one_listed_condition_addresses_the_claim() -> None:
    record = _article("Serum BDNF in post-traumatic stress disorder",
                      "RESULTS: Serum BDNF was lower in patients with PTSD than in healthy controls. "
                      "CONCLUSIONS: Low BDNF marks PTSD.")
    assert pair_record(LOW_BDNF, record) is not None


def test_a_study_of_the_intervention_does_not_answer_a_claim_about_the_condition() -> None:
    record = _article("Ketamine raises serum BDNF in depression",
                      "RESULTS: Serum BDNF rose after ketamine in patients with depression. "
                      "CONCLUSIONS: BDNF in depression rose with ketamine.")
    assert pair_record(LOW_BDNF, record) is None


def test_a_clinical_claim_is_not_paired_with_a_study_of_animals() -> None:
    abstract = ("RESULTS: Ketamine reduced chronic pain behaviour in {who} with nerve injury. "
                "CONCLUSIONS: Ketamine relieves chronic pain in {who}.")
    assert pair_record(PAIN, _article("Ketamine in chronic pain", abstract.format(who="mice"))) is None
    assert pair_record(PAIN, _article("Ketamine in chronic pain", abstract.format(who="patients"))) is not None


BLOCKADE = _claim("blockade", "molecular_pharmacology", "ketamine", "blocks", "NMDA receptors",
                  "Ketamine blocks NMDA receptors.")
BDNF_UP = _claim("bdnf_up", "mechanism_in_people", "ketamine", "increases", "BDNF levels",
                 "Ketamine increases BDNF levels.")
BDNF_NEEDED = _claim("bdnf_needed", "mechanism_in_people", "BDNF release and TrkB signalling", "mediates",
                     "ketamine's antidepressant effect",
                     "BDNF release and TrkB signalling are required for ketamine's antidepressant effect.")


def test_a_drug_named_by_its_class_is_not_a_finding_about_its_target() -> None:
    spines = _article("Ketamine and dendritic spines in stressed rats",
                      "BACKGROUND: Ketamine, an NMDA receptor antagonist, has rapid antidepressant effects. "
                      "RESULTS: The NMDA receptor antagonist ketamine increased spine density in the prefrontal "
                      "cortex of stressed rats. CONCLUSIONS: The NMDA receptor antagonist ketamine restores synapses.")
    currents = _article("Ketamine inhibits NMDA receptor currents",
                        "RESULTS: Ketamine blocked NMDA receptor currents in cortical neurons with an IC50 of 0.5 "
                        "microM. CONCLUSIONS: Ketamine blocks NMDA receptors at clinical concentrations.")
    assert pair_record(BLOCKADE, spines) is None
    assert pair_record(BLOCKADE, currents) is not None


def test_a_mediation_claim_needs_an_experiment_that_removes_the_factor() -> None:
    correlation = _article("Plasma BDNF after ketamine in depression",
                           "RESULTS: Plasma BDNF levels increased after ketamine infusion, and BDNF changes "
                           "correlated with the antidepressant response to ketamine. CONCLUSIONS: BDNF levels may "
                           "be part of the mechanism of ketamine's antidepressant effect.")
    knockout = _article("BDNF knockout mice do not respond to ketamine",
                        "RESULTS: In BDNF knockout mice the antidepressant effect of ketamine in the forced swim "
                        "test was abolished, and a TrkB antagonist blocked BDNF signalling and the effect in "
                        "wild-type mice. CONCLUSIONS: BDNF release and TrkB signalling are required for "
                        "ketamine's antidepressant effect, although BDNF levels were unchanged.")
    assert pair_record(BDNF_UP, correlation, [BDNF_NEEDED]) is not None
    assert pair_record(BDNF_NEEDED, correlation, [BDNF_UP]) is None
    assert pair_record(BDNF_NEEDED, knockout, [BDNF_UP]) is not None
    assert pair_record(BDNF_UP, knockout, [BDNF_NEEDED]) is None


RAPID = _claim("rapid", "clinical_efficacy", "ketamine", "improves", "depressive symptoms within hours",
               "Ketamine relieves depressive symptoms within hours.")
EFFICACY = _claim("efficacy", "clinical_efficacy", "ketamine", "improves", "depressive symptoms in major depression",
                  "Ketamine relieves depressive symptoms in major depression.")


def test_an_onset_claim_reads_hours_up_to_a_day_as_early() -> None:
    def trial(when: str) -> Article:
        return _article("Ketamine in major depression: a randomized trial",
                        "METHODS: Patients with major depression received ketamine or saline. RESULTS: Depressive "
                        f"symptoms improved {when} after ketamine but not saline. CONCLUSIONS: Ketamine relieves "
                        "depressive symptoms in major depression.")
    assert pair_record(RAPID, trial("within 4 hours"), [EFFICACY]) is not None
    assert pair_record(RAPID, trial("within 72 hours"), [EFFICACY]) is None


SUICIDE = _claim("suicide", "clinical_efficacy", "ketamine", "decreases", "suicidal ideation",
                 "Ketamine reduces suicidal ideation.")
BIPOLAR = _claim("bipolar", "clinical_efficacy", "ketamine", "improves", "bipolar depression",
                 "Ketamine relieves bipolar depression.")


def test_a_secondary_outcome_reported_with_its_own_estimate_is_a_finding() -> None:
    def trial(secondary: str) -> Article:
        return _article("Ketamine in bipolar depression: a randomized placebo-controlled trial",
                        "BACKGROUND: Bipolar depression lacks rapid treatments. METHODS: Patients with bipolar "
                        "depression received ketamine or placebo in a crossover design. The primary outcome was "
                        "the depression rating at day 3. Raters were blind to treatment. Doses were weight-based. "
                        f"RESULTS: Bipolar depression improved after ketamine (d = 0.89). {secondary} "
                        "CONCLUSIONS: Ketamine relieves bipolar depression.")
    assert pair_record(SUICIDE, trial("Suicidal ideation also fell after ketamine (d = 0.98, 95% CI 0.64 to 1.33)."),
                       [BIPOLAR]) is not None
    assert pair_record(SUICIDE, trial("Suicidal ideation also fell after ketamine."), [BIPOLAR]) is None


REVIEW = (SAFETY, ABUSE, PLASTICITY, LOW_BDNF, PAIN, BLOCKADE, BDNF_UP, BDNF_NEEDED, RAPID, EFFICACY, SUICIDE, BIPOLAR)


def test_pair_claims_decides_as_pair_record_with_the_other_claims_as_rivals() -> None:
    records = [
        _article("BDNF knockout mice do not respond to ketamine",
                 "RESULTS: In BDNF knockout mice the antidepressant effect of ketamine was abolished. CONCLUSIONS: "
                 "BDNF release and TrkB signalling are required for ketamine's antidepressant effect."),
        _article("Side effects of ketamine for depression",
                 "RESULTS: Side effects of ketamine were mild; depressive symptoms improved within 4 hours "
                 "(d = 0.9, 95% CI 0.5 to 1.3). CONCLUSIONS: Ketamine was safe and relieved major depression."),
        _article("Ketamine for chronic pain", "RESULTS: Chronic pain fell after ketamine in patients."),
    ]
    for record in records:
        alone = tuple(c.id for c in REVIEW if pair_record(c, record, [r for r in REVIEW if r is not c]) is not None)
        together = pair_claims(REVIEW, record)
        assert tuple(p.claim_id for p in together) == alone and alone
        assert all(p == pair_record(c, record, [r for r in REVIEW if r is not c])
                   for p in together for c in REVIEW if c.id == p.claim_id)


TRD = _claim("trd", "clinical_efficacy", "ketamine", "improves", "treatment-resistant depression",
             "Ketamine is effective in treatment-resistant depression.")


def test_of_two_claims_addressed_alike_the_one_the_record_concludes_about_wins() -> None:
    def study(conclusion: str) -> Article:
        return _article("Ketamine, serum BDNF levels and treatment-resistant depression",
                        "METHODS: Patients with treatment-resistant depression received three ketamine infusions. "
                        "RESULTS: Serum BDNF levels rose after ketamine, and treatment-resistant depression "
                        f"improved after ketamine. CONCLUSIONS: {conclusion}")
    about_bdnf = study("Ketamine raises serum BDNF levels.")
    about_trd = study("Ketamine relieves treatment-resistant depression.")
    assert [p.claim_id for p in pair_claims([TRD, BDNF_UP], about_bdnf)] == ["bdnf_up"]
    assert [p.claim_id for p in pair_claims([TRD, BDNF_UP], about_trd)] == ["trd"]
