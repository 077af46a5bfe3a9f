"""Layer 7: checks over the deal and the document: drafting rules, plain-language lint, criteria coverage."""
