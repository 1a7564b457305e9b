"""PDF documents (letters, survey forms) made with ReportLab: issue 4 onwards."""
