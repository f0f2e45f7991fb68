"""The JSON API v1 for partner sites: the questionnaire, submitting a scan, its result, a lead.

`openapi.json` in this package describes it; the tests check every answer against it.
"""
