"""A scan and its lead as they are stored: drafts, completion, the frozen result and its words.

Shared by the journey, the API and the staff workspace: storing a draft or a submission,
scoring it once at completion, the lead hand-over with its notification, and presenting a
stored result with the texts of the content.
"""
