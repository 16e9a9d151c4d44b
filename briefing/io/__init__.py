"""Import and export of the whole briefing: the seed format as YAML or JSON, schema.org
ClaimReview, and the operator's command line. (What an import would change is worked out in
`briefing.import_plan`, below the store, which repeats that check inside its transaction.)
"""
