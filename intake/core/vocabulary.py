"""The closed sets of codes the clinical core, the forms and the printed plan share.

Each set is written here once, in the order it is shown: the code (stable, stored), the
clinician's words, and the patient's words where patients see the code. Where a set's
codes are an enum or the property names of the JSON Schemas in `schemas/`, this is the
one place in Python that lists them; `tests/intake/test_vocabulary.py` walks the schemas
and fails when the two drift apart.

Pure: no Django import.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Words = Literal["clinician", "patient"]


@dataclass(frozen=True, slots=True)
class Term:
    code: str
    clinician: str
    patient: str | None = None  # None: patients never see this code


class Vocabulary:
    """An ordered closed set of terms, looked up by code."""

    def __init__(self, *terms: Term, patient_order: tuple[str, ...] = ()) -> None:
        self.terms = terms
        self.codes = tuple(term.code for term in terms)
        self._by_code = {term.code: term for term in terms}
        # The patient form may list the same terms in another order (grouped for them).
        if patient_order and sorted(patient_order) != sorted(self.codes):
            raise ValueError(f"patient_order is not an order of {self.codes}")
        self.patient_order = patient_order or self.codes

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def term(self, code: str) -> Term:
        return self._by_code[code]

    def clinician(self, code: str) -> str:
        return self._by_code[code].clinician

    def patient(self, code: str) -> str:
        words = self._by_code[code].patient
        if words is None:
            raise KeyError(f"{code!r} has no patient's words")
        return words

    def choices(self, words: Words = "clinician") -> list[tuple[str, str]]:
        """(code, words) pairs for a form field, in the order the reader is shown them."""
        if words == "patient":
            return [(code, self.patient(code)) for code in self.patient_order]
        return [(term.code, term.clinician) for term in self.terms]


# --- the history -------------------------------------------------------------------------

#: The two sides of the body, as examined and as drawn on the body map.
SIDES = Vocabulary(Term("left", "Left", "Left"), Term("right", "Right", "Right"))

#: Which leg the sciatica is in (history.side).
LEG_SIDES = Vocabulary(
    Term("left", "Left", "Left leg"),
    Term("right", "Right", "Right leg"),
    Term("both", "Both", "Both legs"),
    Term("alternating", "Alternating", "It moves from one leg to the other"),
)

PAIN_REGIONS = Vocabulary(
    Term("low_back", "Lower back", "Lower back"),
    Term("buttock", "Buttock", "Buttock"),
    Term("hip", "Hip", "Side of the hip"),
    Term("groin", "Groin", "Groin"),
    Term("anterior_thigh", "Front of thigh", "Front of the thigh"),
    Term("lateral_thigh", "Side of thigh", "Outer thigh"),
    Term("posterior_thigh", "Back of thigh", "Back of the thigh"),
    Term("knee", "Knee", "Knee"),
    Term("shin", "Shin", "Shin"),
    Term("calf", "Calf", "Calf"),
    Term("foot", "Foot", "Foot"),
    Term("toes", "Toes", "Toes"),
)

SYMPTOMS = Vocabulary(
    Term("numbness", "Numbness", "Numbness"),
    Term("tingling", "Tingling", "Tingling or pins and needles"),
    Term("burning", "Burning", "Burning"),
    Term("weakness", "Weakness", "Weakness in the leg or foot"),
    Term("cramping", "Cramping", "Cramping"),
    Term("shooting", "Shooting", "Shooting or electric-shock pain"),
)

#: What makes the pain worse (history.aggravating) or better (history.relieving).
ACTIVITIES = Vocabulary(
    Term("sitting", "Sitting", "Sitting"),
    Term("standing", "Standing", "Standing"),
    Term("walking", "Walking", "Walking"),
    Term("bending_forward", "Bending forward", "Bending forward"),
    Term("bending_backward", "Bending backward", "Leaning backwards"),
    Term("lying_down", "Lying down", "Lying down"),
    Term("coughing_sneezing", "Coughing or sneezing", "Coughing or sneezing"),
    Term("lifting", "Lifting", "Lifting"),
    Term("rest", "Rest", "Resting"),
)

ONSETS = Vocabulary(
    Term("sudden", "Sudden", "Suddenly"),
    Term("gradual", "Gradual", "Gradually, over days or weeks"),
)

TRIGGERS = Vocabulary(
    Term("lifting", "Lifting", "Lifting something"),
    Term("trauma", "Trauma", "A fall or an accident"),
    Term("prolonged_sitting", "Prolonged sitting", "Sitting for a long time"),
    Term("pregnancy", "Pregnancy", "Pregnancy"),
    Term("sport", "Sport", "Sport or exercise"),
    Term("none", "None", "Nothing I can think of"),
    Term("other", "Other", "Something else"),
)

#: The red-flag screening questions (history.red_flags), asked explicitly: NICE CKS,
#: people may not mention them unless asked. Patients read them in plain words. A "yes"
#: to one of the first group (possible cauda equina syndrome or a worsening deficit) shows
#: the patient same-day emergency advice (NHS Lothian RefHelp, NHS Gloucestershire G-Care,
#: NICE CKS Sciatica).
EMERGENCY_QUESTIONS = Vocabulary(
    Term(
        "saddle_anaesthesia",
        "Numbness or tingling in the saddle area",
        "Numbness or tingling between your legs or around your bottom or genitals (where "
        "you would sit on a saddle)",
    ),
    Term(
        "bladder_dysfunction",
        "New difficulty passing or controlling urine",
        "New trouble passing urine, not feeling when you need to go, or leaking urine",
    ),
    Term(
        "bowel_dysfunction",
        "New loss of bowel control or sensation",
        "New loss of control of your bowels, or not feeling when you need to open them",
    ),
    Term(
        "sexual_dysfunction_new",
        "New sexual dysfunction",
        "New numbness of the genitals, or new problems with sexual function such as "
        "erection or feeling",
    ),
    Term(
        "bilateral_leg_symptoms_new",
        "New symptoms in both legs",
        "Pain, numbness or weakness that has recently spread to both legs",
    ),
    Term(
        "progressive_weakness",
        "Leg weakness getting worse",
        "Weakness in a leg or foot that is getting worse, for example your foot drags or "
        "slaps when you walk",
    ),
)
OTHER_RED_FLAG_QUESTIONS = Vocabulary(
    Term(
        "fever_or_chills",
        "Fever, chills or rigors",
        "A fever, chills or shivering as well as the back pain",
    ),
    Term("unexplained_weight_loss", "Unexplained weight loss", "Losing weight without trying"),
    Term("history_of_cancer", "History of cancer", "Have you ever had cancer?"),
    Term(
        "iv_drug_use", "Intravenous drug use", "Do you inject drugs, or have you done so recently?"
    ),
    Term(
        "immunosuppression",
        "Immunosuppression",
        "Do you have a weakened immune system, for example from HIV, an organ transplant, "
        "chemotherapy or medicines that lower immunity?",
    ),
    Term(
        "long_term_corticosteroids",
        "Long-term corticosteroids",
        "Have you taken steroid tablets (such as prednisolone) for more than three months?",
    ),
    Term(
        "significant_trauma",
        "Significant trauma",
        "Did this pain start after a bad fall, a road accident or another serious injury?",
    ),
    Term(
        "night_pain_unrelieved",
        "Night pain not eased by any position",
        "Pain at night that does not ease whatever position you lie in",
    ),
    Term(
        "recent_spinal_procedure",
        "Recent spinal procedure",
        "Have you had an operation, injection or other procedure on your spine in the last "
        "three months?",
    ),
)
RED_FLAG_QUESTIONS = Vocabulary(*EMERGENCY_QUESTIONS, *OTHER_RED_FLAG_QUESTIONS)

CONDITIONS = Vocabulary(
    Term("pacemaker", "Pacemaker", "A pacemaker or an implanted defibrillator"),
    Term(
        "implanted_electrical_device",
        "Implanted stimulator or pump",
        "Another implanted electrical device, such as a nerve stimulator or a medicine pump",
    ),
    Term(
        "anticoagulants",
        "Anticoagulants or antiplatelets",
        "Blood-thinning medicine, such as warfarin, apixaban or rivaroxaban",
    ),
    Term("bleeding_disorder", "Bleeding disorder", "A bleeding disorder, such as haemophilia"),
    Term("diabetes", "Diabetes", "Diabetes"),
    Term("epilepsy", "Epilepsy", "Epilepsy or seizures"),
    Term(
        "skin_lesion_treatment_area",
        "Skin lesion where we would treat",
        "A rash, wound, ulcer or skin infection on your back, buttocks or legs",
    ),
    Term("metal_allergy", "Metal allergy", "An allergy to metals such as nickel"),
    Term("needle_phobia", "Needle phobia", "A strong fear of needles"),
    Term(
        "peripheral_vascular_disease", "Peripheral vascular disease", "Poor circulation in the legs"
    ),
    Term("osteoporosis", "Osteoporosis", "Osteoporosis (thin bones)"),
    Term(
        "lymphoedema_leg",
        "Lymphoedema of the leg",
        "Lymphoedema (long-lasting swelling) in a leg",
    ),
)

CONTRIBUTING = Vocabulary(
    Term("sedentary_work", "Sitting work", "I sit for most of my working day"),
    Term("poor_ergonomics", "Poor ergonomics", "My desk, chair or car seat is uncomfortable"),
    Term("overweight", "Overweight", "I am heavier than I would like to be"),
    Term("no_regular_exercise", "No regular exercise", "I do not exercise regularly"),
    Term("high_heels", "High heels", "I often wear high heels"),
    Term("soft_mattress", "Soft mattress", "My mattress is soft or sagging"),
    Term("emotional_stress", "Emotional stress", "I am under a lot of stress"),
    Term("previous_back_injury", "Previous back injury", "I have hurt my back before"),
    Term(
        "heavy_manual_work",
        "Heavy manual work",
        "My work involves heavy lifting or hard physical work",
    ),
    # The patient sees the work-related items together.
    patient_order=(
        "sedentary_work",
        "poor_ergonomics",
        "heavy_manual_work",
        "no_regular_exercise",
        "overweight",
        "high_heels",
        "soft_mattress",
        "emotional_stress",
        "previous_back_injury",
    ),
)

# --- the questionnaires ------------------------------------------------------------------

#: The ten ODI v2.1a sections, in the order of the form (their statements: questionnaire.py).
ODI_SECTIONS = Vocabulary(
    Term("pain_intensity", "Pain intensity"),
    Term("personal_care", "Personal care"),
    Term("lifting", "Lifting"),
    Term("walking", "Walking"),
    Term("sitting", "Sitting"),
    Term("standing", "Standing"),
    Term("sleeping", "Sleeping"),
    Term("sex_life", "Sex life"),
    Term("social_life", "Social life"),
    Term("travelling", "Travelling"),
)

#: The four SBI items (Sciatica Bothersomeness Index, Patrick 1995), in plain words.
SBI_ITEMS = Vocabulary(
    Term("leg_pain", "Leg pain", "Leg pain"),
    Term(
        "numbness_tingling",
        "Numbness or tingling",
        "Numbness or tingling in your leg, foot or groin",
    ),
    Term("weakness", "Weakness", "Weakness in your leg or foot"),
    Term("pain_while_sitting", "Pain while sitting", "Back or leg pain while sitting"),
)

#: Keele STarT Back item 9: how bothersome the back pain has been.
BOTHERSOMENESS = Vocabulary(
    Term("not_at_all", "Not at all", "Not at all"),
    Term("slightly", "Slightly", "Slightly"),
    Term("moderately", "Moderately", "Moderately"),
    Term("very_much", "Very much", "Very much"),
    Term("extremely", "Extremely", "Extremely"),
)

# --- the examination ---------------------------------------------------------------------

NEURAL_TENSION_TESTS = Vocabulary(
    Term("slr", "Straight leg raise (SLR)"),
    Term("crossed_slr", "Crossed SLR (side = leg raised)"),
    Term("slump", "Slump test"),
    Term("femoral_nerve_stretch", "Femoral nerve stretch"),
)
GLUTEAL_TESTS = Vocabulary(
    Term("fair", "FAIR (flexion, adduction, internal rotation)"),
    Term("seated_piriformis_stretch", "Seated piriformis stretch"),
    Term("active_piriformis", "Active piriformis test"),
    Term("piriformis_tenderness", "Piriformis tenderness"),
    Term("sciatic_notch_tenderness", "Sciatic notch tenderness"),
)
LUMBAR_TESTS = Vocabulary(Term("kemp", "Kemp test"))
#: Every side-by-side test with a positive/negative result, in examination order.
SIDE_TESTS = Vocabulary(*NEURAL_TENSION_TESTS, *GLUTEAL_TESTS, *LUMBAR_TESTS)

RESULTS = Vocabulary(Term("positive", "Positive"), Term("negative", "Negative"))

#: Key muscles graded on the MRC scale, with the roots they test.
MUSCLES = Vocabulary(
    Term("hip_flexion", "Hip flexion (L2-3)"),
    Term("knee_extension", "Knee extension (L3-4)"),
    Term("ankle_dorsiflexion", "Ankle dorsiflexion (L4-5)"),
    Term("great_toe_extension", "Great toe extension (L5)"),
    Term("ankle_plantarflexion", "Ankle plantarflexion (S1)"),
    Term("hip_abduction", "Hip abduction (L5)"),
)
REFLEXES = Vocabulary(
    Term("patellar", "Knee reflex (patellar, L4)"),
    Term("achilles", "Ankle reflex (Achilles, S1)"),
)
REFLEX_GRADES = Vocabulary(
    Term("normal", "Normal"),
    Term("reduced", "Reduced"),
    Term("absent", "Absent"),
    Term("brisk", "Brisk"),
)
#: The dermatomes tested for sensation; also the nerve roots the assessment can name.
DERMATOMES = Vocabulary(Term("L4", "L4"), Term("L5", "L5"), Term("S1", "S1"))
SENSATION_GRADES = Vocabulary(
    Term("normal", "Normal"), Term("reduced", "Reduced"), Term("absent", "Absent")
)
WALK_GRADES = Vocabulary(Term("normal", "Normal"), Term("difficult", "Difficult"))
PRESENCE = Vocabulary(Term("present", "Present"), Term("absent", "Absent"))
ROMBERG_RESULTS = Vocabulary(Term("normal", "Normal"), Term("abnormal", "Abnormal"))
#: Upper-motor-neuron signs (NHS Lothian: widespread neurology not in keeping with
#: radiculopathy).
PLANTAR_RESPONSES = Vocabulary(
    Term("flexor", "Flexor (normal)"),
    Term("extensor", "Extensor (Babinski)"),
    Term("equivocal", "Equivocal"),
)
CLONUS = Vocabulary(Term("absent", "Absent"), Term("present", "Present (sustained)"))
PULSES = Vocabulary(
    Term("present", "Present"), Term("reduced", "Reduced"), Term("absent", "Absent")
)

# --- imaging -----------------------------------------------------------------------------

IMAGING = Vocabulary(
    Term("mri", "MRI", "MRI"), Term("ct", "CT", "CT scan"), Term("xray", "X-ray", "X-ray")
)
# The words are as the exam form has always shown them.
DISC_LEVELS = Vocabulary(Term("L3-L4", "L3-L4"), Term("L4-L5", "L4-L5"), Term("L5-S1", "L5-S1"))
STENOSIS_GRADES = Vocabulary(
    Term("none", "None"),
    Term("mild", "Mild"),
    Term("moderate", "Moderate"),
    Term("severe", "Severe"),
)

# --- the assessment ----------------------------------------------------------------------

#: The four causes, in the fixed order that breaks ties; patients read the plain words.
CAUSES = Vocabulary(
    Term(
        "disc_herniation",
        "Lumbar disc herniation with radiculopathy",
        "A disc between two bones of your lower back bulging and irritating a nerve root: "
        "the pain follows that nerve down your leg.",
    ),
    Term(
        "spinal_stenosis",
        "Lumbar spinal stenosis",
        "A narrowing of the space around the nerves in your lower back, so that the nerves "
        "are squeezed more when you stand or walk upright.",
    ),
    Term(
        "deep_gluteal",
        "Piriformis / deep gluteal syndrome",
        "The sciatic nerve irritated deep in the buttock, where it runs past the piriformis "
        "and other deep hip muscles.",
    ),
    Term(
        "spondylolisthesis",
        "Spondylolisthesis",
        "One bone of your lower back slipped forward on the one below it, which can "
        "irritate the nerves there.",
    ),
)

#: Red flags: refer instead of treating (their urgency: redflags.URGENCY).
RED_FLAGS = Vocabulary(
    Term("cauda_equina", "Possible cauda equina syndrome"),
    Term("infection", "Possible spinal infection"),
    Term("malignancy", "Possible malignancy"),
    Term("fracture", "Possible fracture"),
    Term("progressive_deficit", "Progressive neurological deficit"),
    Term("myelopathy", "Upper-motor-neuron signs (possible cord compression)"),
)
#: How soon a red flag needs a doctor, most urgent first (redflags.RED_FLAG_RULES).
FLAG_URGENCIES = Vocabulary(
    Term("emergency", "Emergency: the emergency department now"),
    Term("same_day", "Same day: seen by a doctor today"),
    Term("within_days", "Within days"),
)
#: Where a case that is not treated is sent (`referral_to` in the assessment).
REFERRAL_DESTINATIONS = Vocabulary(
    Term("emergency_department", "Emergency department"),
    Term("same_day_doctor", "A doctor today (same-day GP appointment or urgent care)"),
    Term("gp", "The patient's GP"),
)
#: Not spinal, or not for this clinic before a doctor has seen them: refer to a GP.
GP_FLAGS = Vocabulary(
    Term("vascular_claudication", "Possible vascular claudication"),
    Term("under_16", "Under 16: assess with the child's doctor first"),
)
#: Recorded and shown; they do not block treatment on their own.
AMBER_FLAGS = Vocabulary(
    Term("age_over_50", "Over 50"),
    Term("age_under_20", "Under 20"),
    Term("no_improvement_after_1_month", "No better after a month"),
    Term("chronic_bilateral_claudication", "Claudication in both legs"),
    Term("older_for_fracture", "Older age (fracture risk)"),
    Term("osteoporosis", "Osteoporosis"),
    Term("diabetes", "Diabetes"),
    Term("red_flag_screen_incomplete", "Red-flag questions not all answered"),
    Term("bilateral_symptoms", "Symptoms in both legs"),
    Term("pulses_not_checked", "Foot pulses not checked"),
)
FLAGS = Vocabulary(*RED_FLAGS, *GP_FLAGS, *AMBER_FLAGS)

#: What the assessment concludes; the words fit into a sentence ("Disposition: treat.").
DISPOSITIONS = Vocabulary(
    Term("treat", "treat"),
    Term("refer_emergency", "refer the same day (emergency)"),
    Term("refer_urgent", "refer urgently (the same day or within days)"),
    Term("refer_gp", "refer to the GP"),
)

#: Fairbank's ODI bands, lowest first (their limits: instruments.ODI_BANDS).
ODI_BANDS = Vocabulary(
    Term("minimal", "minimal disability"),
    Term("moderate", "moderate disability"),
    Term("severe", "severe disability"),
    Term("crippled", "crippled"),
    Term("bed_bound_or_exaggerating", "bed-bound or exaggerating"),
)

# --- the plan ----------------------------------------------------------------------------

#: The printed patient copy shows the same names as the clinician's.
MODALITIES = Vocabulary(
    Term("acupuncture", "Acupuncture"),
    Term("electroacupuncture", "Electroacupuncture"),
    Term("cupping", "Cupping"),
    Term("gua_sha", "Gua sha"),
)
CUPPING_METHODS = Vocabulary(
    Term("stationary", "Stationary (cups left in place)"),
    Term("moving", "Moving (sliding cups)"),
    Term("flash", "Flash (quick on and off)"),
)
#: Who the plan refers to alongside treatment.
REFERRAL_TARGETS = Vocabulary(
    Term("physiotherapy", "Physiotherapy"),
    Term("chiropractic", "Chiropractic"),
    Term("gp", "GP"),
)
#: How urgently a referral letter asks to be seen: a red flag's urgency, or routine.
URGENCIES = Vocabulary(
    Term("emergency", "Emergency (the emergency department now)"),
    Term("same_day", "Same day (seen by a doctor today)"),
    Term("within_days", "Urgent (within days)"),
    Term("routine", "Routine (GP review)"),
)

# --- the course of care --------------------------------------------------------------------

#: Adverse events recorded at a visit (BAcC / White 2001 surveys of acupuncture safety).
ADVERSE_EVENTS = Vocabulary(
    Term("bruising", "Bruising", "Bruising"),
    Term("bleeding", "Bleeding at a needle site", "Bleeding where a needle was"),
    Term("pain_increased", "Pain at a needle site or symptoms worse", "More pain afterwards"),
    Term("faint_or_dizzy", "Felt faint or dizzy", "Feeling faint or dizzy"),
    Term("nausea", "Nausea", "Feeling sick"),
    Term("burn_or_blister", "Burn or blister (cupping)", "A burn or blister"),
    Term("skin_reaction", "Skin reaction", "A skin reaction"),
    Term("drowsiness", "Drowsiness", "Feeling drowsy"),
    Term("other", "Other", "Something else"),
)
#: The patient's global impression of change, best first (course.measures[].global_change).
GLOBAL_CHANGES = Vocabulary(
    Term("very_much_improved", "Very much improved", "Very much better"),
    Term("much_improved", "Much improved", "Much better"),
    Term("minimally_improved", "Minimally improved", "A little better"),
    Term("no_change", "No change", "No change"),
    Term("minimally_worse", "Minimally worse", "A little worse"),
    Term("much_worse", "Much worse", "Much worse"),
    Term("very_much_worse", "Very much worse", "Very much worse"),
)
#: How the course is going, from the review (assessment review.verdict).
REVIEW_VERDICTS = Vocabulary(
    Term("improving", "Improving"),
    Term("some_change", "Some change, below the minimal important change"),
    Term("no_change", "No change"),
    Term("worse", "Worse"),
)
#: What the review recommends, and what the practitioner decides (review.recommendation).
REVIEW_RECOMMENDATIONS = Vocabulary(
    Term("continue", "Continue the plan"),
    Term("modify", "Modify the plan"),
    Term("refer", "Refer (GP or physiotherapy)"),
    Term("discharge", "Discharge"),
)
#: How the patient lay or sat for the treatment (STRICTA, MacPherson 2010) [I].
POSITIONS = Vocabulary(
    Term("prone", "Prone"),
    Term("side_lying", "Side-lying"),
    Term("supine", "Supine"),
    Term("seated", "Seated"),
)
#: Electroacupuncture waveforms (STRICTA: stimulation, MacPherson 2010) [I].
WAVEFORMS = Vocabulary(
    Term("continuous", "Continuous"),
    Term("dense_disperse", "Dense-disperse"),
    Term("intermittent", "Intermittent"),
)
#: How much of the home exercise the patient did since the last visit [I].
ADHERENCE = Vocabulary(
    Term("all", "All of it", "All of it"),
    Term("most", "Most of it", "Most of it"),
    Term("some", "Some of it", "Some of it"),
    Term("none", "None", "None"),
)
