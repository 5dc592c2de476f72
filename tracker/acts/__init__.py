"""The written acts of NOTICES.md: receipts, notices, slips, decisions, minutes, conclusions.

Each act is a DOCX template (ND 30/2020 layout) filled by docxtpl from the case's data,
converted to PDF by LibreOffice headless, numbered from its unit's yearly register of
outgoing documents when issued, stored as a document of the case and recorded in its
history. Templates are files a province can replace (`ACTS_TEMPLATES_DIR`); the packaged
ones are built by `tracker/acts/build_templates.py`.
"""
