"""The read-only content API at ``/api/v1/``: articles, sections, authors, tags, topics, live blogs, corrections.

Built on django-ninja (OpenAPI 3.1 from the pydantic schemas in
:mod:`.schemas`). What a partner may see is what a reader may see: the
newsroom's QuerySet methods choose the rows (never drafts, restricted
pages or another site's pages). See ``docs/api.md``.
"""
