#!/usr/bin/env python3
"""A seeded corpus of near-miss cases for `diff CMM-607 L34106 --cases`.

Every case starts from one patient both policies cover (an acute osteoporotic
L1 fracture, every fact of both stated) and changes one or two facts, the way
real requests differ from a textbook approval. Used for the README's chart:

    python3 tests/medicare/near_miss_corpus.py 20000 7 > /tmp/near-miss.jsonl
    policyproof diff CMM-607 L34106 --cases /tmp/near-miss.jsonl --chart docs/two-payers-flips.svg
"""
import copy
import json
import random
import sys

BASE = {
    "request": {"technique": "balloon_kyphoplasty", "levels": ["L1"], "fda_approved_materials": True,
                "cpt": [{"code": "22514", "units": 1}]},
    "purpose": {"facilitate_fusion": False, "prophylactic_osteoporosis": False},
    "imaging": {"concordant": True, "findings": ["osteoporotic_vcf"], "mri_marrow_edema": True, "scan_uptake": False},
    "pain": {"daily_functional_impairment": True, "duration_weeks": 3, "prevents_transfers_or_ambulation": True,
             "correlates_with_fracture_level": True, "score": 7, "trend_despite_nsm": "worsening",
             "primarily_from_vcf": True},
    "urgent": [],
    "conservative_care": {"analgesic_weeks": 0, "analgesics_contraindicated": False, "exercise_weeks": 0,
                          "exercise_contraindicated": False, "meaningful_improvement": False, "optimal_nsm": True},
    "osteoporosis_program_enrolled": True,
    "alternative_causes": [],
    "contraindications": [],
    "hospitalized": False,
    "fracture": {"height_loss_progressing": False, "height_reduction_percent": 20, "kyphotic_deformity": False,
                 "count": 1},
    "function": {"rdq_score": 12},
    "osteoporosis": {"referred_bmd_education": True, "instructed_program": True},
    "pregnant": False,
    "infections": [],
    "spinal_conditions": [],
}


def levels(c, r):
    lv = r.choice([["T2"], ["T4"], ["T3", "T5"], ["T8", "T9", "T10"], ["T12", "L1", "L2"], ["L1", "L2"], ["T6"]])
    c["request"]["levels"] = lv
    code = "22513" if lv[0].startswith("T") else "22514"
    c["request"]["cpt"] = [{"code": code, "units": 1}] + ([{"code": "22515", "units": len(lv) - 1}] if len(lv) > 1 else [])


def weeks(c, r):
    c["pain"]["duration_weeks"] = r.choice([6, 8, 10, 12, 14, 20, 26, 30])
    if c["pain"]["duration_weeks"] > 6:
        c["conservative_care"].update(analgesic_weeks=4, exercise_weeks=r.choice([2, 4]))


CHANGES = [
    levels,
    weeks,
    lambda c, r: c.__setitem__("pregnant", True),
    lambda c, r: c.__setitem__("contraindications", [r.choice(["anticoagulation_therapy", "active_infection",
                                                               "material_allergy", "uncorrected_coagulation_disorder",
                                                               "severe_cardiopulmonary_disease"])]),
    lambda c, r: c.__setitem__("osteoporosis_program_enrolled", False),
    lambda c, r: c["osteoporosis"].__setitem__(r.choice(["referred_bmd_education", "instructed_program"]), False),
    lambda c, r: c["pain"].__setitem__("score", r.choice([3, 4, 5, 8, 9])),
    lambda c, r: c.__setitem__("hospitalized", True),
    lambda c, r: c["imaging"].update(mri_marrow_edema=False, scan_uptake=r.random() < 0.5),
    lambda c, r: c.__setitem__("spinal_conditions", [r.choice(["instability", "myelopathy_from_fracture",
                                                               "neurologic_deficit", "neural_impingement",
                                                               "retropulsion_or_canal_compromise"])]),
    lambda c, r: c["imaging"].__setitem__("findings", r.choice([["osteolytic_metastasis"],
                                                                 ["osteoporotic_vcf", "osteolytic_metastasis"],
                                                                 ["osteonecrotic_vcf"]])),
    lambda c, r: c["pain"].__setitem__("primarily_from_vcf", False),
    lambda c, r: c["request"].__setitem__("technique", r.choice(["vertebroplasty", "mechanical_kyphoplasty",
                                                                 "radiofrequency_kyphoplasty", "vertebral_body_stenting"])),
    lambda c, r: c.__setitem__("alternative_causes", [r.choice(["facet_disease", "trigger_points"])]),
]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    r = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    for i in range(n):
        c = copy.deepcopy(BASE)
        c["case_id"] = f"near-miss-{i + 1}"
        for change in r.sample(CHANGES, r.choice([1, 1, 2])):
            change(c, r)
        print(json.dumps(c, separators=(",", ":")))


if __name__ == "__main__":
    main()
