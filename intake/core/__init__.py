"""The clinical core of intake: what a case says, in plain Python (no Django).

`case` (the `sciatica-case/1` format and its schema), `vocabulary` (every closed set of
codes, once), `instruments` (scores), `redflags`, `classify` (ranked causes, root level),
`assessment` (`assess_findings`: all of the above for one case) and `paths` (reading and
writing nested answers). See docs/architecture.md.
"""
