"""Loads WeasyPrint on import: a batch's fork server imports this module when PDFs are asked for.

The fork server then pays for WeasyPrint once, and every worker forked from it starts with
WeasyPrint loaded instead of importing it again. The fork server is a process of our own, so it
may use the fast import (see :mod:`opedexport._weasyprint`).
"""

from .._weasyprint import enable_fast_import, import_weasyprint

enable_fast_import()
import_weasyprint()
