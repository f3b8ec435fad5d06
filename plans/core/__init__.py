"""The clinical core of plans, in plain Python (no Django): `propose` (the plan proposed
for a case, and `plan_problems`, the one check of a plan's limits), `assessment`
(`assess(case)`: the whole assessment, proposal included) and `rules_doc` (generates
docs/clinical-rules.md from the rule tables). See docs/architecture.md.
"""
