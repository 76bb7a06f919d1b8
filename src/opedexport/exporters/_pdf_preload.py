"""Loads WeasyPrint on import: a batch's fork server imports this module when PDFs are asked for.

The fork server then pays for WeasyPrint once (see :mod:`._weasyprint`), and every worker forked
from it starts with WeasyPrint loaded instead of importing it again.
"""

from ._weasyprint import import_weasyprint

import_weasyprint()
