"""Virus scanning of uploaded files, with quarantine until the scan passes.

Every private upload (RFQ, quote and message attachments, supplier certificate PDFs) carries a
scan status: ``pending`` when stored, ``clean`` or ``infected`` once scanned. Downloads are
refused unless the status is ``clean`` (``rfq.views.common.serve_private_file``,
``suppliers.views.profile.certificate_download``). The scan runs in a background task
(:mod:`marketplace.scanning.tasks`) against ClamAV's ``clamd`` when ``CLAMD_SOCKET`` or
``CLAMD_HOST``/``CLAMD_PORT`` is set; without a scanner the file is marked clean at once with the
note « non analysé » so the platform still works on a developer machine (docs/SECURITY.md).
"""
