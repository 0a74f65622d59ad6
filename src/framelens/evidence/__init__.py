"""Evidence collections, NLI verdicts and contradiction rules."""
