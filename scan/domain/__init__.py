"""The pure domain: scoring, advice, the safety list, routing, postcodes and answer checks.

Functions of the content and the answers, nothing else: no Flask, no database, no clock. What
a werkplaats coach must be able to sign is decided here, and tested without an app.
"""
